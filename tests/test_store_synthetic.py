"""Synthetic mention rows for the store's tests (valid per ``schema.MENTIONS``), and their checks.

Other ``test_store_*`` modules import ``synthetic_mentions`` and ``mention`` from here.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, timedelta

import pyarrow as pa

from benchmarks.synthetic import PLACES as BENCHMARK_PLACES
from eventwire import schema
from eventwire.interval import Interval

DAY = date(2017, 11, 2)
# The benchmark's real places (country, admin1, place, geonames_id, lat, lon); ten of them
# keep these tests' figures as they were written.
PLACES = BENCHMARK_PLACES[:10]
SOURCES = ("Rudaw", "Xinhua", "Meridian Wire", "Levant Observer", "Sahel Dispatch", "AFP")
ACTORS = ("MIL", "GOV", "REB", "COP", "CVL", "INS")


def run(day: date = DAY, hour: int = 9, minute: int = 0, minutes: int = 15) -> Interval:
    start = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
    return Interval(start, start + timedelta(minutes=minutes))


def mention(mention_id: str, interval: Interval, **fields) -> dict:
    """One mention row: an ASSAULT by Iraqi forces in Al Qa'im on 1 November unless told."""
    country, admin1, place, geonames_id, lat, lon = PLACES[0]
    row = {
        "schema_version": schema.SCHEMA_VERSION,
        "event_id": "",
        "mention_id": mention_id,
        "article_id": f"a-{mention_id}",
        "source_name": "Rudaw",
        "url": f"https://example.org/{mention_id}",
        "sentence_index": 0,
        "sentence_text": f"Sentence of {mention_id}.",
        "char_start": 0,
        "char_end": 20,
        "extractor_version": "test",
        "rule": "test",
        "event_date": DAY - timedelta(days=1),
        "date_precision": "day",
        "date_flag": "reported",
        "published_at": interval.start,
        "ingested_at": interval.end,
        "plover_type": "ASSAULT",
        "quad_class": 4,
        "goldstein": -10.0,
        "negated": False,
        "confidence": 0.9,
        "actor_text": "Iraqi forces",
        "actor_code": "IRQMIL",
        "actor_country": "IRQ",
        "actor_sector": "MIL",
        "recipient_text": "Islamic State",
        "recipient_code": "IMGMUSISI",
        "location_name": place,
        "country": country,
        "admin1": admin1,
        "lat": lat,
        "lon": lon,
        "geonames_id": geonames_id,
        "geo_precision": 1,
        "fatalities": None,
        "injured": None,
    }
    row.update(fields)
    return row


def synthetic_mentions(count: int, interval: Interval, seed: int = 0) -> pa.Table:
    """``count`` varied mentions of one run: types, places, dates, sources and casualties."""
    rng = random.Random(seed)
    rows = []
    for number in range(count):
        country, admin1, place, geonames_id, lat, lon = rng.choice(PLACES)
        source = rng.choice(SOURCES)
        key = f"{interval}|{seed}|{number}"
        killed = rng.choice((None, None, 0, 1, 2, 5, 13, 40))
        rows.append(
            mention(
                hashlib.sha256(key.encode()).hexdigest()[:16],
                interval,
                article_id=hashlib.sha256(f"{key}|{number // 4}".encode()).hexdigest()[:16],
                source_name=source,
                sentence_index=number % 4,
                plover_type=rng.choice(schema.PLOVER_TYPES),
                event_date=interval.start.date() - timedelta(days=rng.randrange(0, 30)),
                actor_code=country + rng.choice(ACTORS),
                actor_country=country,
                recipient_code=rng.choice((None, country + rng.choice(ACTORS))),
                location_name=place,
                country=country,
                admin1=admin1,
                geonames_id=geonames_id,
                lat=lat + rng.uniform(-0.3, 0.3),
                lon=lon + rng.uniform(-0.3, 0.3),
                fatalities=killed,
                fatalities_text=None if killed is None else f"{killed} killed",
            )
        )
    return pa.Table.from_pylist(rows, schema=schema.MENTIONS)


def test_synthetic_mentions_are_valid_and_reproducible():
    window = run()
    first = synthetic_mentions(200, window, seed=3)
    assert first.schema == schema.MENTIONS
    assert first.equals(synthetic_mentions(200, window, seed=3))
    assert len(set(first.column("mention_id").to_pylist())) == 200
    assert set(first.column("plover_type").to_pylist()) <= set(schema.PLOVER_TYPES)
    assert set(first.column("ingested_at").to_pylist()) == {window.end}
