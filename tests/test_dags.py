"""DAG integrity: the DAG files parse, declare what operators rely on, and stay light."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
DAGS_DIR = REPO_ROOT / "dags"
PLUGINS_DIR = REPO_ROOT / "plugins"  # eventwire_settings: Airflow puts it on sys.path
EXPECTED_DAGS = {
    "eventwire_ingest",
    "eventwire_events",
    "eventwire_maintenance",
    "eventwire_recode",
}
HEAVY_MODULES = ("great_expectations", "spacy", "duckdb", "trafilatura", "matplotlib", "pandas")


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import BundleDagBag

    return BundleDagBag(dag_folder=str(DAGS_DIR), bundle_path=DAGS_DIR)


def test_dagbag_has_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == EXPECTED_DAGS


def test_only_dag_files_are_parsed(dagbag):
    """``.airflowignore`` keeps the helper modules out of the DAG processor's loop."""
    parsed = {Path(stat.file).name for stat in dagbag.dagbag_stats}
    assert parsed == {f"{dag_id}.py" for dag_id in EXPECTED_DAGS}
    on_disk = {path.name for path in DAGS_DIR.glob("*.py")}
    assert on_disk - parsed == {"eventwire_common.py", "eventwire_alerts.py"}


def test_every_dag_is_documented_tagged_and_retried(dagbag):
    for dag_id in EXPECTED_DAGS:
        dag = dagbag.dags[dag_id]
        assert dag.doc_md and len(dag.doc_md.strip()) > 80, dag_id
        assert dag.tags and "eventwire" in dag.tags, dag_id
        assert dag.max_active_runs == 1, dag_id
        for task in dag.tasks:
            assert task.retries >= 1, (dag_id, task.task_id)
            assert task.retry_exponential_backoff, (dag_id, task.task_id)


def test_ingest_maps_per_feed_and_feeds_the_events_dag(dagbag):
    ingest = dagbag.dags["eventwire_ingest"]
    events = dagbag.dags["eventwire_events"]
    assert ingest.catchup is False
    assert ingest.get_task("harvest_feed").pool == "eventwire_fetch"
    outlets = {asset.name for asset in ingest.get_task("publish_articles").outlets}
    assert outlets == {"eventwire_articles"}
    assert "eventwire_articles" in str(events.timetable.asset_condition)


def test_only_ingest_starts_paused(dagbag):
    """Unpausing ingest is the one action that starts the pipeline: its followers are live."""
    paused = {dag_id: dagbag.dags[dag_id].is_paused_upon_creation for dag_id in EXPECTED_DAGS}
    assert paused == {
        "eventwire_ingest": True,
        "eventwire_events": False,
        "eventwire_maintenance": False,
        "eventwire_recode": False,
    }


def test_merges_into_events_share_one_slot(dagbag):
    """Events publishing, a recode's days and compaction rewrite the same events files."""
    merging = [
        dagbag.dags["eventwire_events"].get_task("publish_events"),
        dagbag.dags["eventwire_recode"].get_task("recode_day"),
        dagbag.dags["eventwire_maintenance"].get_task("compact_closed_day"),
    ]
    assert {task.pool for task in merging} == {"eventwire_publish"}
    recode = dagbag.dags["eventwire_recode"]
    assert type(recode.timetable).__name__ == "NullTimetable"  # manual trigger only
    assert recode.params["only_outdated"] is True


def test_feed_health_is_checked_after_the_articles_are_published(dagbag):
    ingest = dagbag.dags["eventwire_ingest"]
    assert ingest.get_task("check_feed_health").upstream_task_ids == {"publish_articles"}


@pytest.mark.slow  # a fresh interpreter per DAG file
@pytest.mark.parametrize("dag_file", sorted(path.name for path in DAGS_DIR.glob("eventwire_*.py")))
def test_dag_files_import_no_heavy_library(dag_file, tmp_path):
    """Parsing a DAG file must not pull in GX, spaCy or DuckDB (seconds each, every parse)."""
    probe = (
        "import json, runpy, sys\n"
        f"sys.path.insert(0, {str(DAGS_DIR)!r})\n"
        f"runpy.run_path({str(DAGS_DIR / dag_file)!r})\n"
        f"print(json.dumps([m for m in {HEAVY_MODULES!r} if m in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={
            "AIRFLOW_HOME": str(tmp_path),
            "AIRFLOW__CORE__PLUGINS_FOLDER": str(PLUGINS_DIR),
            "PATH": "/usr/bin:/bin",
        },
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
