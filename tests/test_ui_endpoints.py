"""The eventwire plugin's JSON endpoints on a fixture data root of real Parquet files.

The data root is ``factories.write_fixture_root``'s, which the browser test serves too, so both
tests check the page against the same known numbers.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import unquote

import pyarrow.parquet as pq
import pytest
from factories import (
    ARTICLES,
    CLI_RECODE,
    DAG_RECODE,
    DATA_DOCS_HTML,
    DAY,
    FAILING_CHECK,
    MENTIONS,
    QUARANTINE,
    RUN_1,
    RUN_2,
    add_runs,
    event,
    make_client,
    write_dataset,
    write_fixture_root,
)

from benchmarks.synthetic import UI_PATHS, write_synthetic_day
from eventwire.fs import DataRoot
from eventwire.schema import PLOVER_TYPES


def metadata_session_factory():
    """A throw-away in-memory Airflow metadata database with a few eventwire runs."""
    from airflow.models import import_all_models

    import_all_models()
    from airflow.models.base import Base
    from airflow.models.dagrun import DagRun
    from sqlalchemy import create_engine
    from sqlalchemy.orm import sessionmaker
    from sqlalchemy.pool import StaticPool

    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    Base.metadata.create_all(engine)
    factory = sessionmaker(engine)
    with factory() as session:
        add_runs(session, DagRun)
        session.commit()

    @contextmanager
    def session() -> Iterator:
        with factory() as open_session:
            yield open_session

    return session


@pytest.fixture(scope="module")
def data_root(tmp_path_factory) -> Path:
    return write_fixture_root(tmp_path_factory.mktemp("ui") / "data")


@pytest.fixture(scope="module")
def client(data_root):
    return make_client(data_root, metadata_session_factory())


def test_unauthenticated_requests_are_refused(data_root):
    from eventwire_ui.app import create_app
    from fastapi.testclient import TestClient

    bare = TestClient(create_app(root=lambda: DataRoot(str(data_root))))
    for path in ("/", "/api/volumes", "/api/events", "/datadocs/index.html"):
        assert bare.get(path).status_code == 401, path


def test_page_and_assets_are_served_without_network(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert "static/app.js" in page.text
    script = client.get("/static/app.js")
    assert script.status_code == 200
    for body in (page.text, script.text, client.get("/static/style.css").text):
        assert "http://" not in body.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in body
    assert client.get("/static/../app.py").status_code == 404


def test_volumes_per_run_by_feed_and_type(client):
    body = client.get("/api/volumes").json()
    articles = {(row["run"], row["key"]): row["n"] for row in body["articles_by_feed"]}
    expected = {
        (run.end.isoformat(), feed): count
        for run, per_feed in ARTICLES.items()
        for feed, count in per_feed.items()
    }
    assert articles == expected
    mentions = {(row["run"], row["key"]): row["n"] for row in body["mentions_by_type"]}
    assert mentions == {
        (run.end.isoformat(), kind): count
        for run, per_type in MENTIONS.items()
        for kind, count in per_type.items()
    }


def test_feed_health_per_feed(client):
    """Xinhua failed its latest poll (after kept articles both runs): one failure in a row."""
    feeds = {item["feed"]: item for item in client.get("/api/feeds").json()["feeds"]}
    assert feeds["Rudaw"] == {
        "feed": "Rudaw", "polls": 2, "last_success": RUN_2.end.isoformat(), "last_error": None,
        "last_error_at": None, "entries": 10, "articles_kept": 5, "consecutive_failures": 0,
    }  # fmt: skip
    assert feeds["Xinhua"]["last_success"] == RUN_1.end.isoformat()
    assert feeds["Xinhua"]["last_error"] == "timeout: no answer within 30 s"
    assert feeds["Xinhua"]["last_error_at"] == RUN_2.end.isoformat()
    assert feeds["Xinhua"]["consecutive_failures"] == 1


def test_quality_trend_and_failures(client):
    body = client.get("/api/quality").json()
    rates = {(row["suite"], row["interval_end"]): row["pass_rate"] for row in body["trend"]}
    assert rates == {
        ("articles", RUN_1.end.isoformat()): 0.75,
        ("articles", RUN_2.end.isoformat()): 1.0,
        ("mentions", RUN_1.end.isoformat()): 1.0,
        ("mentions", RUN_2.end.isoformat()): 1.0,
    }
    assert [(f["suite"], f["expectation"]) for f in body["failures"]] == [FAILING_CHECK]


def test_quarantine_counts_and_samples(client):
    counts = client.get("/api/quarantine").json()["counts"]
    assert {(row["stage"], row["reason"]): row["n"] for row in counts} == QUARANTINE
    samples = client.get(
        "/api/quarantine/samples", params={"stage": "fetch", "reason": "HTTP 404"}
    ).json()["samples"]
    assert [s["record_id"] for s in samples] == ["fetch-1", "fetch-0"]
    assert samples[0]["payload"] == "<html>broken page fetch 1</html>"
    assert samples[0]["payload_chars"] == len(samples[0]["payload"])


def test_recode_runs_newest_first_with_their_days_added_up(client):
    runs = client.get("/api/recodes").json()["recodes"]
    assert [run["run_id"] for run in runs] == [DAG_RECODE, CLI_RECODE, "by-hand"]
    assert [run["started"] for run in runs] == [
        "2017-11-06T08:00:00+00:00",
        "2017-11-05T12:00:00+00:00",
        None,
    ]
    assert runs[1] == {
        "run_id": CLI_RECODE, "started": "2017-11-05T12:00:00+00:00",
        "first_day": "2017-11-01", "last_day": "2017-11-02", "days": 2, "articles": 25,
        "events_before": 14, "events_after": 15, "fatalities_before": 32,
        "fatalities_after": 43, "ids_kept": 12, "ids_new": 3, "ids_deleted": 2,
        "extractor_versions": ["1.1+new"], "versions_before": ["1.1+old", "1.1+older"],
    }  # fmt: skip
    assert runs[2]["versions_before"] == []


def test_recode_runs_are_cut_at_the_latest(data_root):
    from eventwire_ui import queries

    from eventwire.store.views import connect

    runs = queries.recode_runs(connect(DataRoot(str(data_root))), runs=1)
    assert [run["run_id"] for run in runs] == [DAG_RECODE]


def test_events_newest_version_without_deleted(client):
    events = client.get("/api/events").json()["events"]
    assert [e["event_id"] for e in events] == ["ev-erbil", "ev-qaim", "ev-damascus"]
    qaim = events[1]
    assert qaim["fatalities"] == 13
    assert qaim["url"] == "https://example.org/qaim"
    assert qaim["sentence_text"].startswith("Iraqi forces killed 13")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "IRQ"}, ["ev-erbil", "ev-qaim"]),
        ({"type": "PROTEST"}, ["ev-damascus"]),
        ({"country": "IRQ", "type": "AGREE"}, ["ev-erbil"]),
        ({"date_from": "2017-11-01"}, ["ev-erbil", "ev-qaim"]),
        ({"date_to": "2017-10-31"}, ["ev-damascus"]),
        ({"country": "SYR", "type": "ASSAULT"}, []),
    ],
)
def test_events_filters(client, params, expected):
    events = client.get("/api/events", params=params).json()["events"]
    assert [e["event_id"] for e in events] == expected


PAGED_EVENTS = 250


def test_events_page_newest_event_date_first_beyond_100_rows(tmp_path):
    """Paged by offset with the total for the pager; ``reported_only`` leaves out historical,
    future and negated events, which the page otherwise shows labelled."""
    day0 = date(2017, 1, 1)
    flags = ("reported", "reported", "historical", "future")
    rows = [
        event(
            f"ev-{n:03d}",
            RUN_1.end,
            event_date=day0 + timedelta(days=(n * 7) % PAGED_EVENTS),
            date_flag=flags[n % len(flags)],
            negated=n % 25 == 0,
        )
        for n in range(PAGED_EVENTS)
    ]
    write_dataset(tmp_path, "events", rows, RUN_1.file_name, dt=DAY)
    client = make_client(tmp_path)
    pages = [client.get("/api/events", params={"offset": o}).json() for o in (0, 100, 200)]
    assert [page["total"] for page in pages] == [PAGED_EVENTS] * 3
    assert [len(page["events"]) for page in pages] == [100, 100, 50]
    dates = [event["event_date"] for page in pages for event in page["events"]]
    assert dates == sorted(dates, reverse=True) and len(set(dates)) == PAGED_EVENTS
    assert pages[0]["events"][0]["event_date"] == str(day0 + timedelta(days=PAGED_EVENTS - 1))
    past_end = client.get("/api/events", params={"offset": 300}).json()
    assert past_end["events"] == [] and past_end["total"] == PAGED_EVENTS

    reported = client.get("/api/events", params={"reported_only": "true", "limit": 1000}).json()
    expected = [r for r in rows if r["date_flag"] == "reported" and not r["negated"]]
    assert reported["total"] == len(expected)
    assert {e["event_id"] for e in reported["events"]} == {r["event_id"] for r in expected}
    labels = {e["event_id"]: (e["date_flag"], e["negated"]) for p in pages for e in p["events"]}
    assert labels["ev-002"] == ("historical", False) and labels["ev-025"] == ("reported", True)


def test_filters_list_countries_and_types(client):
    body = client.get("/api/filters").json()
    assert body["countries"] == ["IRQ", "SYR"]
    assert body["plover_types"] == list(PLOVER_TYPES)
    assert list(body["type_colours"]) == list(PLOVER_TYPES)
    assert len(set(body["type_colours"].values())) == len(PLOVER_TYPES)


def test_map_places_follow_the_events_filter(client):
    places = client.get("/api/map").json()["places"]
    assert [(p["place"], p["fatalities"], p["plover_type"]) for p in places] == [
        ("Al Qa'im", 13, "ASSAULT"),
        ("Damascus", 0, "PROTEST"),
        ("Erbil", 0, "AGREE"),
    ]
    assert (places[0]["lon"], places[0]["lat"]) == (41.09, 34.37)
    iraq = client.get("/api/map", params={"country": "IRQ"}).json()["places"]
    assert sorted(p["place"] for p in iraq) == ["Al Qa'im", "Erbil"]


def test_outlines_are_one_svg_path_of_every_country_ring(client):
    from eventwire.store.worldmap import all_rings

    response = client.get("/api/outlines")
    assert response.headers["cache-control"] == "max-age=86400"
    path = response.json()["path"]
    assert path.count("M") == path.count("Z") == len(all_rings())


def test_recent_runs_from_the_metadata_database(client):
    runs = client.get("/api/runs").json()["runs"]
    assert set(runs) == {"eventwire_ingest", "eventwire_events", "eventwire_maintenance"}
    ingest = runs["eventwire_ingest"]
    assert [(r["state"], r["duration_s"]) for r in ingest] == [("failed", 7.5), ("success", 42.0)]
    assert ingest[0]["data_interval_end"] == RUN_2.end.isoformat()
    assert [r["duration_s"] for r in runs["eventwire_events"]] == [95.0]
    assert runs["eventwire_maintenance"] == []


def test_data_docs_are_served_from_the_data_root(client):
    response = client.get("/datadocs/")
    assert response.status_code == 200
    assert response.content == DATA_DOCS_HTML
    assert response.headers["content-type"].startswith("text/html")
    assert client.get("/datadocs/../articles/x.parquet").status_code == 404
    assert client.get("/datadocs/missing.html").status_code == 404


@pytest.mark.slow
def test_real_data_docs_site_is_browsable_through_the_plugin(tmp_path):
    """Every relative link of the GX site the pipeline publishes resolves through the plugin."""
    from eventwire.quality.docs import build_data_docs

    root = write_fixture_root(tmp_path / "data")
    docs = root / "quality" / "docs"
    (docs / "index.html").unlink()
    results = [pq.read_table(path) for path in sorted((root / "quality").rglob("*.parquet"))]
    build_data_docs(results, docs)
    client = make_client(root)
    index = client.get("/datadocs/")
    assert index.status_code == 200
    external = re.findall(r"<(?:script|link|img)\b[^>]*(?:src|href)=\"https?://[^\"]*", index.text)
    assert external == [], "Data Docs still load assets from other origins"
    assert "default-src 'none'" in index.headers["content-security-policy"]
    links = {
        link
        for link in re.findall(r'(?:href|src)="([^"#?]+)', index.text)
        if not link.startswith(("http://", "https://", "//", "data:", "mailto:"))
    }
    assert {"expectations/articles.html", "expectations/mentions.html"} <= links
    for link in sorted(links):
        target = posixpath.normpath(posixpath.join("/datadocs", unquote(link)))
        assert client.get(target).status_code == 200, link


def test_new_data_root_answers_with_empty_panels(tmp_path):
    client = make_client(tmp_path / "nothing")
    assert client.get("/api/volumes").json() == {"articles_by_feed": [], "mentions_by_type": []}
    assert client.get("/api/quality").json() == {"trend": [], "failures": []}
    assert client.get("/api/quarantine").json() == {"counts": []}
    assert client.get("/api/events").json()["events"] == []
    assert client.get("/api/events").json()["total"] == 0
    assert client.get("/api/filters").json()["countries"] == []
    assert client.get("/api/feeds").json() == {"feeds": []}
    assert client.get("/api/recodes").json() == {"recodes": []}
    assert client.get("/datadocs/").status_code == 404


SYNTHETIC_MENTIONS = 100_000


@pytest.mark.slow
def test_every_endpoint_answers_for_a_day_of_100k_mentions(tmp_path):
    """The panels' requests on a busy day (the ``make bench`` UI stage times the same ones)."""
    root = tmp_path / "data"
    write_synthetic_day(root, SYNTHETIC_MENTIONS)
    client = make_client(root)
    for path in UI_PATHS:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
    assert sum(r["n"] for r in client.get("/api/volumes").json()["mentions_by_type"]) == (
        SYNTHETIC_MENTIONS
    )
