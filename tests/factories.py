"""Rows and data roots that several test modules build.

Store rows: ``mention`` (one valid ``schema.MENTIONS`` row), ``synthetic_mentions`` (many varied
ones, reproducible from a seed) and ``run`` (a 15-minute interval). The UI's fixture data root:
``write_fixture_root`` writes real Parquet files with the known numbers below, which both the
endpoint tests and the browser test check the page against.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from benchmarks.synthetic import PLACES as BENCHMARK_PLACES
from eventwire import schema
from eventwire.fs import DataRoot
from eventwire.interval import Interval
from eventwire.store.feed_health import feed_record
from eventwire.store.manifest import write_manifest

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


# -- the UI's fixture data root

RUN_1 = run()
RUN_2 = run(minute=15)
# The fixture's known numbers: what the page must show.
ARTICLES = {RUN_1: {"Rudaw": 3, "Xinhua": 1}, RUN_2: {"Rudaw": 2, "Xinhua": 6}}
MENTIONS = {RUN_1: {"ASSAULT": 4, "PROTEST": 2}, RUN_2: {"ASSAULT": 1, "AGREE": 3}}
QUARANTINE = {("fetch", "HTTP 404"): 2, ("quality", "expect_column_values_to_not_be_null(url)"): 1}
DATA_DOCS_HTML = b"<html><body><h1>eventwire Data Docs</h1></body></html>"
# Four real column-type expectations per suite, named as ``quality.suites`` names them (the
# table-level `schema.columns` check needs an observed column list to render); the last one of
# `articles` fails in the first run.
QUALITY_CHECKS = {
    suite: [f"schema.type.{name}" for name in schema.SCHEMAS[suite].names[:4]]
    for suite in ("articles", "mentions")
}
FAILING_CHECK = ("articles", QUALITY_CHECKS["articles"][3])


def write_dataset(root: Path, dataset: str, rows: list[dict], file_name: str, **hive) -> None:
    """One Parquet file in the data root's layout: ``<dataset>/dt=…/[stage=…/]part-….parquet``."""
    folder = root / dataset
    for column in schema.PARTITIONS[dataset]:
        folder /= f"{column}={hive[column]}"
    folder.mkdir(parents=True, exist_ok=True)
    rows = [{"schema_version": schema.SCHEMA_VERSION, **row} for row in rows]
    pq.write_table(pa.Table.from_pylist(rows, schema=schema.SCHEMAS[dataset]), folder / file_name)


def _fixture_mention(run: Interval, plover_type: str, number: int) -> dict:
    return {
        "event_id": f"ev-{run.file_name[5:9]}-{plover_type}-{number}",
        "mention_id": f"m-{run.file_name[5:9]}-{plover_type}-{number}",
        "article_id": f"a-{number}",
        "plover_type": plover_type,
        "ingested_at": run.end,
        "event_date": date(2017, 11, 1),
    }


def event(event_id: str, updated: datetime, **fields) -> dict:
    """An ``events`` row: the identity and aggregates every event has, and ``fields``."""
    return {
        "event_id": event_id,
        "mention_id": f"m-{event_id}",
        "article_id": f"a-{event_id}",
        "updated_at": updated,
        "last_seen_at": updated,
        "num_mentions": 1,
        **fields,
    }


FIXTURE_EVENTS = [
    event(
        "ev-qaim",
        RUN_2.end,
        plover_type="ASSAULT",
        country="IRQ",
        location_name="Al Qa'im",
        lat=34.37,
        lon=41.09,
        event_date=date(2017, 11, 1),
        fatalities=13,
        actor_text="Iraqi forces",
        recipient_text="Islamic State",
        source_name="Rudaw",
        url="https://example.org/qaim",
        sentence_text="Iraqi forces killed 13 militants near Qaim on Wednesday.",
    ),
    event(
        "ev-damascus",
        RUN_1.end,
        plover_type="PROTEST",
        country="SYR",
        location_name="Damascus",
        lat=33.51,
        lon=36.29,
        event_date=date(2017, 10, 30),
        source_name="Xinhua",
        url="https://example.org/damascus",
        sentence_text="Hundreds protested in Damascus on Monday.",
    ),
    event(
        "ev-erbil",
        RUN_2.end,
        plover_type="AGREE",
        country="IRQ",
        location_name="Erbil",
        lat=36.19,
        lon=44.01,
        event_date=date(2017, 11, 2),
        source_name="Rudaw",
        url="https://example.org/erbil",
        sentence_text="Erbil and Baghdad agreed to talks.",
    ),
]
# An older version of ev-qaim (superseded) and an event that was later deleted.
STALE_AND_DELETED = [
    event("ev-qaim", RUN_1.end, plover_type="ASSAULT", country="IRQ", fatalities=2),
    event("ev-gone", RUN_1.end, plover_type="ASSAULT", country="IRQ"),
]


def _recode(run_id: str, day: str, version: str, before: str | None, **counts) -> dict:
    names = {"run_id": run_id, "dt": day, "extractor_version": version}
    return names | {"versions_before": before} | counts


# Three recode runs: the CLI's over two days, a later one of the DAG, one with a hand-given id.
CLI_RECODE = "recode__20171105T120000"
DAG_RECODE = "manual__2017-11-06T08:00:00+00:00"
FIXTURE_RECODES = [
    _recode(CLI_RECODE, "2017-11-01", "1.1+new", "1.1+old", articles=20, events_before=10,
            events_after=12, fatalities_before=30, fatalities_after=41, ids_kept=9, ids_new=3,
            ids_deleted=1),
    _recode(CLI_RECODE, "2017-11-02", "1.1+new", "1.1+old,1.1+older", articles=5,
            events_before=4, events_after=3, fatalities_before=2, fatalities_after=2,
            ids_kept=3, ids_new=0, ids_deleted=1),
    _recode(DAG_RECODE, "2017-11-02", "1.1+newer", "1.1+new", articles=5, events_before=3,
            events_after=3, fatalities_before=2, fatalities_after=7, ids_kept=3, ids_new=0,
            ids_deleted=0),
    _recode("by-hand", "2017-11-03", "1.1+newer", None, articles=0, events_before=0,
            events_after=0, fatalities_before=0, fatalities_after=0, ids_kept=0, ids_new=0,
            ids_deleted=0),
]  # fmt: skip


def write_fixture_root(root: Path) -> Path:
    """A small data root covering every panel of the page, with the numbers above."""
    for run, per_feed in ARTICLES.items():
        rows = [
            {
                "article_id": f"{feed}-{run.file_name}-{n}",
                "url": f"https://example.org/{feed}/{run.file_name}/{n}",
                "canonical_url": f"https://example.org/{feed}/{run.file_name}/{n}",
                "source_name": feed,
                "ingested_at": run.end,
            }
            for feed, count in per_feed.items()
            for n in range(count)
        ]
        write_dataset(root, "articles", rows, run.file_name, dt=run.dt)
    for run, per_type in MENTIONS.items():
        rows = [
            _fixture_mention(run, plover_type, n)
            for plover_type, count in per_type.items()
            for n in range(count)
        ]
        write_dataset(root, "mentions", rows, run.file_name, dt=run.dt)
    write_dataset(root, "events", STALE_AND_DELETED, RUN_1.file_name, dt=DAY)
    write_dataset(root, "events", FIXTURE_EVENTS, RUN_2.file_name, dt=DAY)
    deleted = [{"event_id": "ev-gone", "deleted_at": RUN_2.end, "reason": "merged"}]
    write_dataset(root, "deletions", deleted, RUN_2.file_name, dt=DAY)
    for (stage, reason), count in QUARANTINE.items():
        rows = [
            {
                "record_id": f"{stage}-{n}",
                "source_name": "Rudaw",
                "url": f"https://example.org/bad/{stage}/{n}",
                "reason": reason,
                "payload": f"<html>broken page {stage} {n}</html>",
                "run_id": "scheduled__2017-11-02T09:00:00+00:00",
                "quarantined_at": RUN_1.end + timedelta(seconds=n),
            }
            for n in range(count)
        ]
        write_dataset(root, "quarantine", rows, RUN_1.file_name, dt=DAY, stage=stage)
    for run, articles_passed in ((RUN_1, 3), (RUN_2, 4)):
        rows = [
            {
                "run_id": f"run-{run.file_name}",
                "data_interval_start": run.start,
                "data_interval_end": run.end,
                "suite": suite,
                "expectation": QUALITY_CHECKS[suite][n],
                "severity": "critical",
                "success": n < passed,
                "element_count": 10,
                "unexpected_count": 0 if n < passed else 2,
                "unexpected_percent": 0.0 if n < passed else 20.0,
                "validated_at": run.end + timedelta(seconds=30),
            }
            for suite, passed in (("articles", articles_passed), ("mentions", 4))
            for n in range(4)
        ]
        write_dataset(root, "quality", rows, run.file_name, dt=run.dt)
    for run, xinhua_error in ((RUN_1, None), (RUN_2, "timeout: no answer within 30 s")):
        health = {
            feed: feed_record({"entries": 10}, xinhua_error if feed == "Xinhua" else None, n)
            for feed, n in ARTICLES[run].items()
        }
        write_manifest(DataRoot(str(root)), "ingest", run, {"feed_health": health})
    for number, row in enumerate(FIXTURE_RECODES):
        fields = {key: value for key, value in row.items() if key != "dt"}
        write_dataset(root, "recodes", [fields], f"part-recode-{number}.parquet", dt=row["dt"])
    docs = root / "quality" / "docs"
    docs.mkdir(parents=True)
    (docs / "index.html").write_bytes(DATA_DOCS_HTML)
    return root


FIXTURE_RUNS = [
    ("eventwire_ingest", RUN_1, "success", 42.0),
    ("eventwire_ingest", RUN_2, "failed", 7.5),
    ("eventwire_events", RUN_1, "success", 95.0),
]


def add_runs(session, dag_run_class) -> None:
    """The runs of ``FIXTURE_RUNS``, as the scheduler would record them."""
    for dag_id, run, state, seconds in FIXTURE_RUNS:
        dag_run = dag_run_class(
            dag_id,
            f"scheduled__{run.start.isoformat()}",
            logical_date=run.start,
            run_after=run.end,
            start_date=run.end,
            state=state,
            run_type="scheduled",
            data_interval=(run.start, run.end),
        )
        dag_run.end_date = run.end + timedelta(seconds=seconds)
        session.add(dag_run)


def make_client(root: Path, session=None):
    """A test client of the plugin app on ``root``, authenticated, with ``session`` as its
    metadata database."""
    from eventwire_ui.app import authenticated, create_app
    from fastapi.testclient import TestClient

    from eventwire.fs import DataRoot

    app = create_app(root=lambda: DataRoot(str(root)), session=session or (lambda: None))
    app.dependency_overrides[authenticated] = lambda: None
    return TestClient(app)
