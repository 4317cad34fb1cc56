"""Synthetic mention and event rows that conform to ``eventwire.schema``, generated in bulk.

The store tests build rows one dict at a time, which is fine for hundreds of rows and far too
slow for the ten million events of the query benchmark; here every column is drawn as a NumPy
vector from a seeded generator, so a day of rows takes milliseconds and the same seed always
gives the same rows. The rows pass the mentions suite: real ISO countries and coordinates,
PLOVER types from the schema's vocabulary, event dates before publication.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pyarrow as pa

from eventwire import schema
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
