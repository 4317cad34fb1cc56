"""A real ``airflow backfill create`` of two ``eventwire_ingest`` intervals over the bundled
sample feeds, run by a real scheduler (LocalExecutor, SQLite metadata database, API server for
the task runners, DAG processor), as the README's "Backfilling ingest" says to run it.

The scheduler's own schedule is off (``use_job_schedule``): unpausing ingest would otherwise
also start a run for the current interval (and, through the articles Asset, the events DAG),
and only the backfill's two runs are under test. What they write shows what a backfill does
with feeds that list only their latest items: the first interval keeps every entry the feeds
list now, whatever its published date, stamped with that interval; the second asks the feeds
with the first one's validators (conditional GET), hears that nothing changed and keeps
nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from airflow_harness import AirflowProcesses, airflow_environment, free_port, wait_until

from eventwire.interval import Interval

pytestmark = [pytest.mark.slow, pytest.mark.integration]

REPO_ROOT = Path(__file__).resolve().parents[1]
DAG_ID = "eventwire_ingest"
# Two 15-minute intervals: a cron timetable's logical date is its interval's start.
FROM_DATE, TO_DATE = "2017-11-02T08:45:00+00:00", "2017-11-02T09:00:00+00:00"
INTERVALS = [
    Interval(datetime(2017, 11, 2, 8, 45, tzinfo=UTC), datetime(2017, 11, 2, 9, 0, tzinfo=UTC)),
    Interval(datetime(2017, 11, 2, 9, 0, tzinfo=UTC), datetime(2017, 11, 2, 9, 15, tzinfo=UTC)),
]
MIGRATE_TIMEOUT_S = 300
# Components up and the DAG parsed took ~90 s here on 2 busy cores; each run ~40 s.
START_TIMEOUT_S = 420
COMMAND_TIMEOUT_S = 180
RUNS_TIMEOUT_S = 900


@pytest.fixture(scope="module")
def backfill(tmp_path_factory) -> dict:
    """The backfill's runs (oldest first) and the data root they wrote."""
    work = tmp_path_factory.mktemp("backfill")
    home, data_root = work / "airflow-home", work / "data"
    port = free_port()
    env = airflow_environment(
        home,
        dags_folder=REPO_ROOT / "dags",
        api_port=port,
        extra={
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",
            "EVENTWIRE_DATA_ROOT": str(data_root),
        },
    )
    with AirflowProcesses(env, work / "logs") as airflow:
        airflow.run("db", "migrate", timeout=MIGRATE_TIMEOUT_S)
        airflow.run("pools", "set", "eventwire_fetch", "4", "fetches", timeout=COMMAND_TIMEOUT_S)
        airflow.run("pools", "set", "eventwire_publish", "1", "merges", timeout=COMMAND_TIMEOUT_S)
        airflow.start("api-server", "api-server", "--port", str(port))
        airflow.start("scheduler", "scheduler", "--skip-serve-logs")
        airflow.start("dag-processor", "dag-processor")
        base_url = f"http://127.0.0.1:{port}"
        with airflow.admin_api(base_url, timeout=START_TIMEOUT_S) as api:
            wait_until(
                f"{DAG_ID} parsed",
                lambda: api.get(f"/dags/{DAG_ID}").status_code == 200,
                timeout=START_TIMEOUT_S,
                alive=airflow,
            )
            api.patch(f"/dags/{DAG_ID}", json={"is_paused": False}).raise_for_status()
            airflow.run(
                "backfill", "create", "--dag-id", DAG_ID, "--from-date", FROM_DATE,
                "--to-date", TO_DATE, "--max-active-runs", "1",
                timeout=COMMAND_TIMEOUT_S,
            )  # fmt: skip
            runs = wait_until(
                "both backfill runs finished",
                lambda: _finished_runs(api),
                timeout=RUNS_TIMEOUT_S,
                alive=airflow,
            )
            failed = {
                run["dag_run_id"]: _task_states(api, run["dag_run_id"])
                for run in runs
                if run["state"] != "success"
            }
    return {"runs": runs, "failed": failed, "data_root": data_root, "logs": work / "logs"}


def _finished_runs(api) -> list[dict] | None:
    """The DAG's runs, oldest first, once there are two and neither is still to finish."""
    runs = api.get(f"/dags/{DAG_ID}/dagRuns", params={"order_by": "logical_date"}).json()
    listed = runs["dag_runs"]
    done = len(listed) == len(INTERVALS) and all(
        run["state"] in ("success", "failed") for run in listed
    )
    return listed if done else None


def _task_states(api, run_id: str) -> dict[str, str]:
    found = api.get(f"/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances").json()["task_instances"]
    return {f"{ti['task_id']}[{ti['map_index']}]": ti["state"] for ti in found}


def _manifest(data_root: Path, interval: Interval) -> dict:
    path = data_root / "_manifests" / "ingest" / f"dt={interval.dt}" / f"{interval.stem}.json"
    return json.loads(path.read_text())


def test_both_intervals_ran_as_backfill_runs_and_succeeded(backfill):
    assert backfill["failed"] == {}, f"failed tasks (logs: {backfill['logs']})"
    runs = backfill["runs"]
    assert [run["run_type"] for run in runs] == ["backfill", "backfill"]
    assert [run["state"] for run in runs] == ["success", "success"]
    windows = [
        Interval(
            datetime.fromisoformat(run["data_interval_start"]),
            datetime.fromisoformat(run["data_interval_end"]),
        )
        for run in runs
    ]
    assert windows == INTERVALS


def test_the_first_interval_keeps_what_the_feeds_list_now_whatever_its_date(backfill):
    data_root, first = backfill["data_root"], INTERVALS[0]
    articles = pq.read_table(data_root / "articles" / f"dt={first.dt}" / first.file_name)
    manifest = _manifest(data_root, first)
    assert articles.num_rows == manifest["articles"] > 0
    assert set(articles.column("ingested_at").to_pylist()) == {first.end}
    published = [moment for moment in articles.column("published_at").to_pylist() if moment]
    days_before = [moment for moment in published if moment < first.start - timedelta(days=1)]
    assert days_before, "entries published days before the interval are kept in it too"


def test_the_second_interval_finds_the_feeds_unchanged_and_keeps_nothing(backfill):
    data_root, second = backfill["data_root"], INTERVALS[1]
    manifest = _manifest(data_root, second)
    assert manifest["articles"] == 0
    assert manifest["feeds"] == 4
    assert manifest["outcomes"].get("not_modified") == manifest["feeds"]
    assert not (data_root / "articles" / f"dt={second.dt}" / second.file_name).exists()
