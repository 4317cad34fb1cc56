"""End to end: both DAGs run with ``dag.test()`` on the bundled samples, offline.

The module runs the ingest DAG for the demo interval and the events DAG after it in a throw-away
Airflow home (set up by conftest) and data root, then checks the Parquet an analyst would read.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.dataset as ds
import pytest
import yaml

pytestmark = [pytest.mark.slow, pytest.mark.integration]

REPO_ROOT = Path(__file__).resolve().parents[1]
# A manual run at 09:00 covers the 15-minute data interval that ends then: 08:45-09:00.
DEMO_RUN_AT = datetime(2017, 11, 2, 9, 0, tzinfo=UTC)
DEMO_INTERVAL = "2017-11-02T08:45:00+00:00/2017-11-02T09:00:00+00:00"
EXPECTATIONS = REPO_ROOT / "tests" / "data" / "sample_expectations.yaml"
# quarantine/ and quality/ rows name the run that wrote them, so only their content is compared.
DATASETS = ("articles", "mentions", "events")


def _read(root: Path, dataset: str):
    folder = root / dataset
    if not folder.exists():
        return None
    return ds.dataset(
        folder, format="parquet", partitioning="hive", exclude_invalid_files=True
    ).to_table()


def _fingerprints(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for dataset in DATASETS
        for path in sorted((root / dataset).rglob("*.parquet"))
    }


@pytest.fixture(scope="module")
def airflow_db():
    subprocess.run(
        [sys.executable, "-m", "airflow", "db", "migrate"],
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def dags(airflow_db):
    from airflow.dag_processing.dagbag import BundleDagBag

    bag = BundleDagBag(dag_folder=str(REPO_ROOT / "dags"), bundle_path=REPO_ROOT / "dags")
    assert bag.import_errors == {}
    return bag.dags


@pytest.fixture(scope="module")
def data_root(tmp_path_factory, dags):
    root = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EVENTWIRE_DATA_ROOT", str(root))
        ingest = dags["eventwire_ingest"].test(logical_date=DEMO_RUN_AT)
        assert ingest.state == "success"
        events = dags["eventwire_events"].test()
        assert events.state == "success"
    return root


@pytest.fixture(scope="module")
def expectations() -> dict:
    return yaml.safe_load(EXPECTATIONS.read_text())


def test_articles_are_written_for_the_interval(data_root):
    files = sorted((data_root / "articles").rglob("*.parquet"))
    assert [path.relative_to(data_root).as_posix() for path in files] == [
        "articles/dt=2017-11-02/part-0845-0900.parquet"
    ]
    articles = _read(data_root, "articles")
    assert articles.num_rows >= 20
    assert len(set(articles.column("article_id").to_pylist())) == articles.num_rows


def test_duplicates_are_dropped_with_a_reason(data_root, expectations):
    articles = _read(data_root, "articles")
    quarantine = _read(data_root, "quarantine")
    urls = set(articles.column("canonical_url").to_pylist())
    duplicate_rows = [row for row in quarantine.to_pylist() if row["stage"] == "dedup"]
    assert duplicate_rows, "the duplicate sample article was not recorded as a duplicate"
    canonical = {url.split("?")[0].removeprefix("file:") for url in expectations["duplicate_pair"]}
    kept = [url for url in urls if any(url.endswith(path) for path in canonical)]
    assert len(kept) == 1


def test_broken_page_is_quarantined_with_a_reason(data_root, expectations):
    quarantine = _read(data_root, "quarantine").to_pylist()
    broken = expectations["broken_page"].split("/")[-1]
    rows = [row for row in quarantine if row["url"] and row["url"].endswith(broken)]
    assert rows and all(row["reason"] for row in rows)


def test_seed_events_are_coded_and_junk_is_not(data_root):
    mentions = _read(data_root, "mentions").to_pylist()
    qaim_assaults = [
        row
        for row in mentions
        if row["plover_type"] == "ASSAULT" and _plain(row["location_name"]).endswith("qaim")
    ]
    assert any(row["fatalities"] == 15 and row["injured"] == 3 for row in qaim_assaults)
    assert any(
        row["plover_type"] == "MOBILIZE" and row["location_name"] == "Zummar" for row in mentions
    )
    sentences = " ".join(row["sentence_text"] for row in mentions)
    assert "twin suicide bombing" not in sentences
    assert "seizes more territories" not in sentences
    assert "promised announcing liberation" not in sentences


def test_events_have_stable_unique_ids_and_quality_results(data_root):
    events = _read(data_root, "events")
    ids = events.column("event_id").to_pylist()
    assert ids and len(ids) == len(set(ids))
    quality = _read(data_root, "quality")
    assert {"mentions", "events"} <= set(quality.column("suite").to_pylist())


def _plain(name: str | None) -> str:
    """A gazetteer name folded to lower-case ASCII letters: "Al Qā’im" -> "alqaim"."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(char for char in decomposed if char.isascii() and char.isalpha()).lower()


def _quarantine_without_run_ids(root: Path) -> list[dict]:
    rows = _read(root, "quarantine").drop_columns(["run_id"]).to_pylist()
    return sorted(rows, key=repr)


def test_rerunning_the_interval_leaves_byte_identical_files(data_root, dags):
    before = _fingerprints(data_root)
    quarantine_before = _quarantine_without_run_ids(data_root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EVENTWIRE_DATA_ROOT", str(data_root))
        assert dags["eventwire_ingest"].test(logical_date=DEMO_RUN_AT).state == "success"
        rerun = dags["eventwire_events"].test(run_conf={"interval": DEMO_INTERVAL})
        assert rerun.state == "success"
    assert _fingerprints(data_root) == before
    assert _quarantine_without_run_ids(data_root) == quarantine_before


def test_run_summary_reports_what_the_run_did(data_root):
    from eventwire.fs import DataRoot
    from eventwire.store.commands import summarise

    lines = summarise(DataRoot(str(data_root))).splitlines()
    assert "feeds read: 4" in lines
    assert "duplicates dropped: 2" in lines
    assert any(line.startswith("events by PLOVER type: ASSAULT ") for line in lines)
    (events,) = [int(line.split(": ")[1]) for line in lines if line.startswith("events: ")]
    assert events == _read(data_root, "events").num_rows
    suites = [
        line.split(":")[0].strip() for line in lines if line.endswith(")") and "checks" in line
    ]
    assert suites == ["articles", "events", "mentions"]
    assert all(": pass (" in line for line in lines if "checks met" in line)


def test_quarantined_mentions_never_reach_mentions_or_events(data_root):
    quarantined = {
        row["record_id"]
        for row in _read(data_root, "quarantine").to_pylist()
        if row["stage"] == "quality"
    }
    mention_ids = set(_read(data_root, "mentions").column("mention_id").to_pylist())
    event_ids = set(_read(data_root, "events").column("event_id").to_pylist())
    assert quarantined and not quarantined & (mention_ids | event_ids)
