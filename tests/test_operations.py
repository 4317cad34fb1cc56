"""What an operator meets in the first week, run through the real DAGs with ``dag.test()``.

- The ingest DAG through three quiet intervals and then one with new articles: the run
  succeeds (no 0-0 volume band) and queues the events DAG.
- A volume failure fails its task once, without the retries, and the alert names the failed
  expectation rather than whatever a retry would have run into.
- A feed that cannot be read fails the run's last task (after the articles are published)
  and the alert names the feed.
- The maintenance DAG, run on both sides of midnight, compacts the day that closed, never the
  one being written; ``eventwire summary`` then lists only files that still exist.

Each test has its own data root and samples root (the sample feeds, copied, so a test can
empty or fill a feed between runs); the Airflow home is the session's throw-away one.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from airflow.sdk import BaseNotifier
from factories import run, synthetic_mentions

from eventwire.fs import DataRoot
from eventwire.interval import Interval
from eventwire.store import manifest, parquet
from eventwire.store.commands import summarise

pytestmark = [pytest.mark.slow, pytest.mark.integration]

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLES = REPO_ROOT / "include" / "samples"
FEED = "meridian-wire"
QUIET_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Meridian Wire</title><link>https://example.org/</link>
<description>nothing new</description></channel></rss>
"""
FIRST_RUN = datetime(2017, 11, 2, 8, 0, tzinfo=UTC)
SENT_ALERTS: list[dict] = []


class RecordingNotifier(BaseNotifier):
    """Stands in for a mail or chat notifier: keeps what each failure alert carried."""

    def notify(self, context):
        SENT_ALERTS.append(
            {"task_id": context["ti"].task_id, "exception": str(context["exception"])}
        )


@pytest.fixture
def pipeline(tmp_path, monkeypatch):
    """A data root, a samples root of one feed, and a registry naming only that feed."""
    samples = tmp_path / "samples"
    shutil.copytree(SAMPLES, samples)
    registry = tmp_path / "feeds.yaml"
    registry.write_text(f"feeds:\n  - {{name: {FEED}, url: 'file:feeds/{FEED}.rss.xml'}}\n")
    monkeypatch.setenv("EVENTWIRE_DATA_ROOT", str(tmp_path / "data"))
    monkeypatch.setenv("EVENTWIRE_SAMPLES_ROOT", str(samples))
    monkeypatch.setenv("EVENTWIRE_FEEDS_FILE", str(registry))
    return tmp_path


def _task_states(dag_run) -> dict[str, tuple[str, int]]:
    return {ti.task_id: (str(ti.state), ti.try_number) for ti in dag_run.get_task_instances()}


def _articles_events_queued() -> list[str]:
    from airflow.models.asset import AssetDagRunQueue
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return list(session.scalars(select(AssetDagRunQueue.target_dag_id)))


def test_quiet_intervals_then_news_succeeds_and_queues_the_events_dag(dags, pipeline):
    feed_file = pipeline / "samples" / "feeds" / f"{FEED}.rss.xml"
    news = feed_file.read_bytes()
    feed_file.write_text(QUIET_FEED)
    ingest = dags["eventwire_ingest"]
    for number in range(4):
        if number == 3:
            feed_file.write_bytes(news)
        dag_run = ingest.test(logical_date=FIRST_RUN + timedelta(minutes=15 * number))
        assert dag_run.state == "success", _task_states(dag_run)
    runs = manifest.read_manifests(DataRoot(str(pipeline / "data")), "ingest")
    counts = [item["articles"] for item in runs]
    assert counts[:3] == [0, 0, 0] and counts[3] > 0
    assert "eventwire_events" in _articles_events_queued()


def test_a_volume_failure_is_not_retried_and_the_alert_names_the_expectation(
    dags, pipeline, monkeypatch
):
    root = DataRoot(str(pipeline / "data"))
    for minutes in (15, 30, 45):  # three earlier runs of one article each: band 0-2
        earlier = Interval.ending_at(FIRST_RUN - timedelta(minutes=minutes))
        manifest.write_manifest(root, "ingest", earlier, {"articles": 1})
    monkeypatch.setenv(
        "AIRFLOW_VAR_EVENTWIRE_ALERT_NOTIFIER",
        json.dumps({"class": f"{__name__}.RecordingNotifier"}),
    )
    SENT_ALERTS.clear()
    dag_run = dags["eventwire_ingest"].test(logical_date=FIRST_RUN)
    assert dag_run.state == "failed"
    states = _task_states(dag_run)
    assert states["publish_articles"] == ("failed", 1)  # one try, not up_for_retry
    assert states["check_feed_health"][0] == "upstream_failed"
    (alert,) = [item for item in SENT_ALERTS if item["task_id"] == "publish_articles"]
    assert "QualityGateFailed" in alert["exception"]
    assert "volume.row_count_in_band: observed" in alert["exception"]
    assert "FileNotFoundError" not in alert["exception"]


def test_a_dead_feed_raises_the_alert_and_the_articles_still_go_out(dags, pipeline, monkeypatch):
    registry = pipeline / "feeds.yaml"
    registry.write_text(
        registry.read_text() + "  - {name: gone-dark, url: 'file:feeds/gone-dark.rss.xml'}\n"
    )
    monkeypatch.setenv("EVENTWIRE_FEED_FAILURE_ALERT_RUNS", "1")
    monkeypatch.setenv(
        "AIRFLOW_VAR_EVENTWIRE_ALERT_NOTIFIER",
        json.dumps({"class": f"{__name__}.RecordingNotifier"}),
    )
    SENT_ALERTS.clear()
    dag_run = dags["eventwire_ingest"].test(logical_date=FIRST_RUN)
    states = _task_states(dag_run)
    assert states["publish_articles"] == ("success", 1)
    assert states["check_feed_health"] == ("failed", 1)
    (alert,) = SENT_ALERTS
    assert alert["task_id"] == "check_feed_health"
    assert "FeedsFailing: feed gone-dark failed 1 polls in a row" in alert["exception"]
    assert FEED not in alert["exception"]


def test_maintenance_compacts_the_day_that_closed_at_midnight(dags, pipeline):
    root = DataRoot(str(pipeline / "data"))
    first, second = date(2017, 11, 1), date(2017, 11, 2)
    for day in (first, second):
        for hour in (9, 10):
            window = run(day=day, hour=hour)
            files = parquet.write_interval(
                root, "mentions", synthetic_mentions(5, window, seed=hour), window
            )
            manifest.write_manifest(root, "events", window, {"mentions": 5, "files": files})
    maintenance = dags["eventwire_maintenance"]

    def part_files(day: date) -> list[str]:
        folder = pipeline / "data" / "mentions" / f"dt={day.isoformat()}"
        return sorted(path.name for path in folder.glob("*.parquet"))

    assert maintenance.test(logical_date=datetime(2017, 11, 2, 0, 0, tzinfo=UTC)).state == "success"
    (compacted,) = part_files(first)
    assert parquet.is_compacted(compacted)
    assert part_files(second) == ["part-0900-0915.parquet", "part-1000-1015.parquet"]
    assert maintenance.test(logical_date=datetime(2017, 11, 3, 0, 0, tzinfo=UTC)).state == "success"
    assert len(part_files(second)) == 1
    assert parquet.read_dataset(root, "mentions").num_rows == 20
    lines = summarise(root).splitlines()
    listed = lines[
        lines.index("Parquet files written by the latest runs (those still there):") + 1 :
    ]
    assert listed == []  # the latest events run's files were compacted away
