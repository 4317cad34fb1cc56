"""Arrow schemas and controlled vocabularies of every eventwire dataset.

This module is the one source of truth for what is written to the data root. Writers cast to
these schemas, the quality suites check against them and the DuckDB views read them, so a
column is added here first and nowhere else. Partition columns (``dt``, ``stage``) live in the
hive path, never inside the files, and are listed in ``PARTITIONS``.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 1

UTC_TIMESTAMP = pa.timestamp("us", tz="UTC")
LOW_CARDINALITY = pa.dictionary(pa.int32(), pa.string())

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
)

# Modes of the CAMEO->PLOVER 2021 table plus the PLOVER 2021 manual's modes for the violent
# types that the table leaves blank (aerial strikes, property destruction).
PLOVER_MODES: frozenset[str] = frozenset(
    {
        "abduct", "access", "aerial", "allege", "arrest", "assassinate", "assist", "ban",
        "beat", "boycott", "ceasefire", "change", "cleansing", "curfew", "demo", "deport",
        "destroy", "disapprove", "disarm", "discontinue", "ease", "expel", "explosives",
        "firearms", "heavy-weapons", "hunger", "investigate", "martial-law", "massacre",
        "meet", "obstruct", "phone", "police", "political", "pro_autocracy", "relations",
        "release", "restrict", "return", "riot", "seize", "sexual", "suicide-attack",
        "territory", "third-party", "torture", "troops", "unconventional", "violence",
        "visit", "withdraw", "yield",
    }
)  # fmt: skip

# Types ACLED codes at all: violence, protest and strategic developments.
ACLED_CODED_PLOVER_TYPES: frozenset[str] = frozenset(
    {"ASSAULT", "COERCE", "PROTEST", "MOBILIZE", "RETREAT", "AGREE", "CONCEDE"}
)

ACLED_SUB_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    "Battles": (
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ),
    "Explosions/Remote violence": (
        "Chemical weapon",
        "Air/drone strike",
        "Suicide bomb",
        "Shelling/artillery/missile attack",
        "Remote explosive/landmine/IED",
        "Grenade",
    ),
    "Violence against civilians": (
        "Sexual violence",
        "Attack",
        "Abduction/forced disappearance",
    ),
    "Protests": (
        "Peaceful protest",
        "Protest with intervention",
        "Excessive force against protesters",
    ),
    "Riots": ("Violent demonstration", "Mob violence"),
    "Strategic developments": (
        "Agreement",
        "Arrests",
        "Change to group/activity",
        "Disrupted weapons use",
        "Headquarters or base established",
        "Looting/property destruction",
        "Non-violent transfer of territory",
        "Other",
    ),
}
ACLED_EVENT_TYPES: tuple[str, ...] = tuple(ACLED_SUB_EVENT_TYPES)

SECTORS: frozenset[str] = frozenset(
    {
        "GOV", "MIL", "COP", "REB", "INS", "CVL", "JUD", "MED", "OPP", "PTY", "REF", "UNK",
        "BUS", "EDU", "ELI", "HLH", "HRI", "IGO", "NGO", "LAB", "LEG", "REL", "SPY", "AGR",
        "CRM", "ENV", "SEP", "UAF", "MNC", "IMG", "MOD", "RAD", "PPL", "SPN", "USR", "NGM",
        "JEW", "MUS", "CHR", "BUD", "HIN",
    }
)  # fmt: skip

DATE_PRECISIONS: tuple[str, ...] = ("day", "month", "year")
DATE_FLAGS: tuple[str, ...] = ("reported", "historical", "future")
QUAD_CLASSES: tuple[int, ...] = (1, 2, 3, 4)
GEO_PRECISIONS: tuple[int, ...] = (1, 2, 3)
QUARANTINE_STAGES: tuple[str, ...] = ("feed", "fetch", "article", "dedup", "extract", "quality")
SEVERITIES: tuple[str, ...] = ("critical", "warning")

_ACTOR_FIELDS = ("text", "code", "country", "sector")

EVENT_RECORD_FIELDS: list[pa.Field] = [
    # identity and provenance
    pa.field("event_id", pa.string(), nullable=False),
    pa.field("mention_id", pa.string(), nullable=False),
    pa.field("article_id", pa.string(), nullable=False),
    pa.field("source_name", LOW_CARDINALITY),
    pa.field("url", pa.string()),
    pa.field("sentence_index", pa.int32()),
    pa.field("sentence_text", pa.string()),
    pa.field("char_start", pa.int32()),
    pa.field("char_end", pa.int32()),
    pa.field("extractor_version", LOW_CARDINALITY),
    pa.field("rule", pa.string()),
    # time
    pa.field("event_date", pa.date32()),
    pa.field("date_precision", LOW_CARDINALITY),
    pa.field("date_flag", LOW_CARDINALITY),
    pa.field("published_at", UTC_TIMESTAMP),
    pa.field("ingested_at", UTC_TIMESTAMP),
    # what
    pa.field("plover_type", LOW_CARDINALITY),
    pa.field("plover_mode", LOW_CARDINALITY),
    pa.field("plover_context", LOW_CARDINALITY),
    pa.field("cameo_code", LOW_CARDINALITY),
    pa.field("cameo_root", LOW_CARDINALITY),
    pa.field("quad_class", pa.int8()),
    pa.field("goldstein", pa.float32()),
    pa.field("acled_event_type", LOW_CARDINALITY),
    pa.field("acled_sub_event_type", LOW_CARDINALITY),
    pa.field("negated", pa.bool_()),
    pa.field("confidence", pa.float32()),
    # who
    *[pa.field(f"actor_{name}", pa.string()) for name in _ACTOR_FIELDS],
    *[pa.field(f"recipient_{name}", pa.string()) for name in _ACTOR_FIELDS],
    # where
    pa.field("location_name", pa.string()),
    pa.field("country", LOW_CARDINALITY),
    pa.field("admin1", pa.string()),
    pa.field("lat", pa.float64()),
    pa.field("lon", pa.float64()),
    pa.field("geonames_id", pa.int64()),
    pa.field("geo_precision", pa.int8()),
    # how many
    pa.field("fatalities", pa.int32()),
    pa.field("injured", pa.int32()),
    pa.field("fatalities_text", pa.string()),
]

_VERSION = pa.field("schema_version", pa.int16(), nullable=False)

ARTICLES = pa.schema(
    [
        _VERSION,
        pa.field("article_id", pa.string(), nullable=False),
        pa.field("url", pa.string(), nullable=False),
        pa.field("canonical_url", pa.string(), nullable=False),
        pa.field("source_name", LOW_CARDINALITY),
        pa.field("feed_url", pa.string()),
        pa.field("title", pa.string()),
        pa.field("text", pa.string()),
        pa.field("summary", pa.string()),
        pa.field("author", pa.string()),
        pa.field("published_at", UTC_TIMESTAMP),
        pa.field("ingested_at", UTC_TIMESTAMP, nullable=False),
        pa.field("language", LOW_CARDINALITY),
        pa.field("body_source", LOW_CARDINALITY),  # "page" or "feed_summary"
        pa.field("text_hash", pa.string()),
        pa.field("word_count", pa.int32()),
    ]
)

MENTIONS = pa.schema([_VERSION, *EVENT_RECORD_FIELDS])

EVENTS = pa.schema(
    [
        _VERSION,
        *EVENT_RECORD_FIELDS,
        pa.field("num_mentions", pa.int32()),
        pa.field("num_articles", pa.int32()),
        pa.field("num_sources", pa.int32()),
        pa.field("fatalities_sources", pa.int32()),
        pa.field("first_seen_at", UTC_TIMESTAMP),
        pa.field("last_seen_at", UTC_TIMESTAMP),
        pa.field("updated_at", UTC_TIMESTAMP),
    ]
)

DELETIONS = pa.schema(
    [
        _VERSION,
        pa.field("event_id", pa.string(), nullable=False),
        pa.field("deleted_at", UTC_TIMESTAMP, nullable=False),
        pa.field("reason", pa.string()),
    ]
)

QUARANTINE = pa.schema(
    [
        _VERSION,
        pa.field("record_id", pa.string()),
        pa.field("source_name", LOW_CARDINALITY),
        pa.field("url", pa.string()),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("payload", pa.string()),
        pa.field("run_id", pa.string()),
        pa.field("quarantined_at", UTC_TIMESTAMP, nullable=False),
    ]
)

QUALITY = pa.schema(
    [
        _VERSION,
        pa.field("run_id", pa.string(), nullable=False),
        pa.field("data_interval_start", UTC_TIMESTAMP),
        pa.field("data_interval_end", UTC_TIMESTAMP),
        pa.field("suite", LOW_CARDINALITY),
        pa.field("expectation", pa.string(), nullable=False),
        pa.field("severity", LOW_CARDINALITY),
        pa.field("success", pa.bool_()),
        pa.field("element_count", pa.int64()),
        pa.field("unexpected_count", pa.int64()),
        pa.field("unexpected_percent", pa.float64()),
        pa.field("validated_at", UTC_TIMESTAMP),
        # JSON of what a batch-level check saw (columns, a type, the row count); null for rows
        pa.field("observed", pa.string()),
    ]
)

SCHEMAS: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "mentions": MENTIONS,
    "events": EVENTS,
    "deletions": DELETIONS,
    "quarantine": QUARANTINE,
    "quality": QUALITY,
}

PARTITIONS: dict[str, tuple[str, ...]] = {
    "articles": ("dt",),
    "mentions": ("dt",),
    "events": ("dt",),
    "deletions": ("dt",),
    "quarantine": ("dt", "stage"),
    "quality": ("dt",),
}
