"""Synthetic mention and event rows that conform to ``eventwire.schema``, generated in bulk.

The store tests build rows one dict at a time, which is fine for hundreds of rows and far too
slow for the ten million events of the query benchmark; here every column is drawn as a NumPy
vector from a seeded generator, so a day of rows takes milliseconds and the same seed always
gives the same rows. The rows pass the mentions suite: real ISO countries and coordinates,
PLOVER types from the schema's vocabulary, event dates before publication.

``write_synthetic_day`` writes a whole data root for the UI instead: a day of 96 runs of every
dataset its panels read, which the UI benchmark times and the endpoint tests query.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from eventwire import schema
from eventwire.interval import Interval
from eventwire.store.parquet import conform

# (country, admin1, place, geonames_id, lat, lon): real places, so coordinates are plausible.
PLACES = (
    ("IRQ", "Anbar", "Al Qa'im", 99347, 34.37, 41.09),
    ("IRQ", "Ninawa", "Mosul", 99072, 36.34, 43.13),
    ("SYR", "Dayr az Zawr", "Deir ez-Zor", 170794, 35.34, 40.14),
    ("YEM", "Sa'dah", "Saada", 71333, 16.94, 43.76),
    ("NGA", "Borno", "Maiduguri", 2331447, 11.85, 13.16),
    ("MLI", "Gao", "Gao", 2457163, 16.27, -0.04),
    ("AFG", "Ghazni", "Ghazni", 1141269, 33.55, 68.42),
    ("SOM", "Bay", "Baidoa", 64435, 3.11, 43.65),
    ("COD", "Nord-Kivu", "Beni", 218680, 0.49, 29.47),
    ("KEN", "Kisumu", "Kisumu", 191245, -0.10, 34.76),
    ("UKR", "Donetsk", "Donetsk", 709717, 48.02, 37.80),
    ("ETH", "Oromia", "Ambo", 344979, 8.98, 37.86),
)
SOURCES = ("Meridian Wire", "Levant Observer", "Sahel Dispatch", "Arabs Today")
SECTORS = ("MIL", "GOV", "REB", "COP", "CVL", "INS")
FATALITY_CHOICES = np.array([0, 1, 2, 3, 5, 8, 13, 40])
# Share of rows that report a toll: most mentions (talks, protests, statements) name none.
FATALITY_SHARE = 0.3
EVENT_DATE_LOOKBACK_DAYS = 30


def synthetic_rows(
    count: int, day: date, seed: int, dataset: schema.Dataset = "mentions"
) -> pa.Table:
    """``count`` rows of ``dataset`` ("mentions" or "events") published on ``day``."""
    rng = np.random.default_rng(seed)
    published = datetime(day.year, day.month, day.day, 9, tzinfo=UTC)
    ids = [f"{value:016x}" for value in rng.integers(0, 2**63, count, dtype=np.int64).tolist()]
    places = rng.integers(0, len(PLACES), count)
    country, admin1, place, geonames_id, lat, lon = (
        np.array(column) for column in zip(*PLACES, strict=True)
    )
    sentences = [f"Synthetic sentence number {number} of the benchmark." for number in range(count)]
    lengths = np.fromiter((len(text) for text in sentences), np.int32, count)
    days_before = rng.integers(0, EVENT_DATE_LOOKBACK_DAYS, count).astype("timedelta64[D]")
    has_toll = rng.random(count) < FATALITY_SHARE
    plover = np.array(schema.PLOVER_TYPES)[rng.integers(0, len(schema.PLOVER_TYPES), count)]
    actor_country = country[places]
    columns = {
        "event_id": ids if dataset == "events" else [""] * count,
        "mention_id": ids,
        "article_id": [f"{value:016x}" for value in rng.integers(0, 2**63, count).tolist()],
        "source_name": np.array(SOURCES)[rng.integers(0, len(SOURCES), count)],
        "url": [f"https://bench.example/{value}" for value in ids],
        "sentence_index": rng.integers(0, 30, count).astype(np.int32),
        "sentence_text": sentences,
        "char_start": np.zeros(count, np.int32),
        "char_end": lengths,
        "extractor_version": ["bench"] * count,
        "rule": ["bench"] * count,
        "event_date": np.datetime64(day, "D") - days_before,
        "date_precision": ["day"] * count,
        "date_flag": ["reported"] * count,
        "published_at": pa.array([published] * count, schema.UTC_TIMESTAMP),
        "ingested_at": pa.array([published + timedelta(minutes=15)] * count, schema.UTC_TIMESTAMP),
        "plover_type": plover,
        "quad_class": rng.integers(1, 5, count).astype(np.int8),
        "goldstein": rng.uniform(-10, 10, count).astype(np.float32),
        "negated": np.zeros(count, bool),
        "confidence": rng.uniform(0.5, 0.9, count).astype(np.float32),
        "actor_text": ["security forces"] * count,
        "actor_code": np.char.add(actor_country, np.array(SECTORS)[rng.integers(0, 6, count)]),
        "actor_country": actor_country,
        "location_name": place[places],
        "country": country[places],
        "admin1": admin1[places],
        "lat": lat[places] + rng.uniform(-0.3, 0.3, count),
        "lon": lon[places] + rng.uniform(-0.3, 0.3, count),
        "geonames_id": geonames_id[places],
        "geo_precision": np.ones(count, np.int8),
        "fatalities": pa.array(
            FATALITY_CHOICES[rng.integers(0, len(FATALITY_CHOICES), count)].astype(np.int32),
            mask=~has_toll,
        ),
    }
    if dataset == "events":
        seen = pa.array([published + timedelta(minutes=15)] * count, schema.UTC_TIMESTAMP)
        ones = np.ones(count, np.int32)
        columns |= {
            "num_mentions": ones,
            "num_articles": ones,
            "num_sources": ones,
            "first_seen_at": seen,
            "last_seen_at": seen,
            "updated_at": seen,
        }
    return conform(dataset, pa.table(columns))


DAY_START = datetime(2017, 11, 2, tzinfo=UTC)
DAY_RUNS = 96  # a day of 15-minute intervals
QUARANTINED_PER_RUN = 50
CHECKS_PER_SUITE = 20
# Every data panel's request on that day, with filters and a deep page of events.
UI_PATHS = (
    "/api/volumes",
    "/api/quality",
    "/api/quarantine",
    "/api/quarantine/samples?stage=fetch&reason=reason%201",
    "/api/events",
    "/api/events?country=IRQ&type=ASSAULT&date_from=2017-10-20",
    "/api/events?reported_only=true&offset=5000",
    "/api/map",
    "/api/filters",
)


def write_synthetic_day(root: Path, mentions: int) -> None:
    """A day of 96 runs with ``mentions`` mentions (and as many events, a fifth as many
    articles, quarantined pages and quality results) under the data root ``root``.

    Columns the UI does not read stay null, so the day takes seconds to write.
    """
    per_run, extra = divmod(mentions, DAY_RUNS)
    for index in range(DAY_RUNS):
        start = DAY_START + timedelta(minutes=15 * index)
        run = Interval(start, start + timedelta(minutes=15))
        ids = [f"{index}-{n}" for n in range(per_run + (index < extra))]
        record = _mention_columns(ids, run)
        _write(root, "mentions", _table("mentions", record), run)
        _write(root, "events", _table("events", record), run)
        articles = {
            name: record[name][::5] for name in ("article_id", "url", "source_name", "ingested_at")
        } | {"canonical_url": record["url"][::5]}
        _write(root, "articles", _table("articles", articles), run)
        _write(root, "quarantine", _table("quarantine", _quarantined(ids, run)), run, stage="fetch")
        _write(root, "quality", _table("quality", _checks(index, run)), run)
    first = Interval(DAY_START, DAY_START + timedelta(minutes=15))
    deletions: dict[str, list] = {"event_id": ["ev-0-0"], "deleted_at": [DAY_START]}
    _write(root, "deletions", _table("deletions", deletions), first)


def _mention_columns(ids: list[str], run: Interval) -> dict[str, list]:
    """One run's mentions, which double as its events (same columns, ``ev-`` ids)."""
    numbers = range(len(ids))
    return {
        "event_id": [f"ev-{i}" for i in ids],
        "mention_id": [f"m-{i}" for i in ids],
        "article_id": [f"a-{i}" for i in ids],
        "source_name": [f"feed{n % 12}" for n in numbers],
        "url": [f"https://example.org/{i}" for i in ids],
        "sentence_text": [f"Sentence {i} in which something happened to someone." for i in ids],
        "event_date": [date(2017, 11, 1) - timedelta(days=n % 30) for n in numbers],
        "ingested_at": [run.end] * len(ids),
        "updated_at": [run.end] * len(ids),
        "plover_type": [schema.PLOVER_TYPES[n % 16] for n in numbers],
        "country": [("IRQ", "SYR", "TUR", "IRN", "JOR")[n % 5] for n in numbers],
        # thousands of distinct places, more than the map draws
        "lat": [30 + (n % 97) / 10 for n in numbers],
        "lon": [40 + (n % 89) / 10 for n in numbers],
        "fatalities": [n % 7 for n in numbers],
    }


def _quarantined(ids: list[str], run: Interval) -> dict[str, list]:
    """Fetched pages set aside, each with a payload of a couple of kilobytes."""
    kept = ids[:QUARANTINED_PER_RUN]
    return {
        "record_id": kept,
        "reason": [f"reason {n % 4}" for n in range(len(kept))],
        "payload": ["<html>" + "x" * 2000 + "</html>"] * len(kept),
        "quarantined_at": [run.end] * len(kept),
    }


def _checks(index: int, run: Interval) -> dict[str, list]:
    """One run's quality results: both suites, one check in seven failing."""
    count = 2 * CHECKS_PER_SUITE
    return {
        "run_id": [f"run-{index}"] * count,
        "data_interval_end": [run.end] * count,
        "suite": ["articles"] * CHECKS_PER_SUITE + ["mentions"] * CHECKS_PER_SUITE,
        "expectation": [f"e{n}" for n in range(count)],
        "success": [n % 7 != 0 for n in range(count)],
        "validated_at": [run.end] * count,
    }


def _table(dataset: schema.Dataset, columns: dict[str, list]) -> pa.Table:
    """A table of ``dataset``'s schema from the given columns; the others are null."""
    length = len(next(iter(columns.values())))
    columns = {"schema_version": [schema.SCHEMA_VERSION] * length, **columns}
    arrays = [
        pa.array(columns[f.name], type=f.type) if f.name in columns else pa.nulls(length, f.type)
        for f in schema.SCHEMAS[dataset]
    ]
    return pa.Table.from_arrays(arrays, schema=schema.SCHEMAS[dataset])


def _write(
    root: Path, dataset: schema.Dataset, table: pa.Table, run: Interval, **hive: str
) -> None:
    """``table`` as ``run``'s file of ``dataset``, in its ``dt=`` (and other hive) folder."""
    folder = root / dataset / f"dt={run.dt}"
    for column in schema.PARTITIONS[dataset][1:]:
        folder /= f"{column}={hive[column]}"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, folder / run.file_name)
