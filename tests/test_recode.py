"""Re-coding history: the bundled samples coded, the engine's version changed, the demo day
re-coded by the ``eventwire_recode`` DAG (``dag.test()``), and what the recode says it did
checked against the datasets.

How the version changes, honestly: ``extractor_version`` hashes the installed package's
``extract/`` modules and ``data/`` files, the spaCy model and the configured dictionaries.
Editing the installed package would change every other test running beside this one, and a
second spaCy model is not installed, so the test configures a dictionary folder
(``EVENTWIRE_DICTIONARIES``) holding one actor entry whose name no sample contains: the
version changes as it would for any dictionary edit, while the coding itself cannot, so every
event must keep its id and every row must differ only in ``extractor_version``.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime

import pyarrow.compute as pc
import pytest

from eventwire.config import Settings
from eventwire.extract.version import extractor_version
from eventwire.fs import DataRoot
from eventwire.store import parquet

pytestmark = [pytest.mark.slow, pytest.mark.integration]

DEMO_RUN_AT = datetime(2017, 11, 2, 9, 0, tzinfo=UTC)
DEMO_DAY = "2017-11-02"
# A name no bundled sample contains: the dictionary changes the version, not the coding.
UNUSED_ACTOR = "ZYXQUORT VELANDIMO\n[ZZZGOV]\n"
RECODE_CONF = {"since": DEMO_DAY, "until": DEMO_DAY, "only_outdated": True}


def _rows(root: DataRoot, dataset: str) -> dict[str, dict]:
    key = {"events": "event_id", "mentions": "mention_id"}[dataset]
    table = parquet.read_dataset(root, dataset).drop_columns(["dt"])
    return {row[key]: row for row in table.to_pylist()}


@pytest.fixture(scope="module")
def recoded(tmp_path_factory, airflow_dags):
    """The demo day coded, then re-coded after the version changed; what was there before."""
    data = tmp_path_factory.mktemp("data")
    dictionaries = tmp_path_factory.mktemp("dictionaries")
    (dictionaries / "Phoenix.Countries.actors.txt").write_text(UNUSED_ACTOR)
    root = DataRoot(str(data))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EVENTWIRE_DATA_ROOT", str(data))
        assert airflow_dags["eventwire_ingest"].test(logical_date=DEMO_RUN_AT).state == "success"
        assert airflow_dags["eventwire_events"].test().state == "success"
        before = {dataset: _rows(root, dataset) for dataset in ("events", "mentions")}
        patch.setenv("EVENTWIRE_DICTIONARIES", str(dictionaries))
        run = airflow_dags["eventwire_recode"].test(run_conf=RECODE_CONF)
        assert run.state == "success"
        again = airflow_dags["eventwire_recode"].test(run_conf=RECODE_CONF)
        new_version = extractor_version(Settings.from_env())
    return {
        "root": root,
        "before": before,
        "again": again,
        "old_version": extractor_version(Settings()),
        "new_version": new_version,
    }


def test_the_dictionary_changed_the_version(recoded):
    assert recoded["new_version"] != recoded["old_version"]
    versions = {row["extractor_version"] for row in recoded["before"]["events"].values()}
    assert versions == {recoded["old_version"]}


def test_every_event_and_mention_carries_the_new_version(recoded):
    for dataset in ("events", "mentions"):
        rows = _rows(recoded["root"], dataset)
        assert rows
        assert {row["extractor_version"] for row in rows.values()} == {recoded["new_version"]}


def test_unchanged_events_keep_their_ids_and_only_the_version_differs(recoded):
    for dataset in ("events", "mentions"):
        before, after = recoded["before"][dataset], _rows(recoded["root"], dataset)
        assert after.keys() == before.keys()
        for key, row in after.items():
            old = before[key] | {"extractor_version": recoded["new_version"]}
            assert row == old, key
    assert parquet.read_dataset(recoded["root"], "deletions").num_rows == 0


def test_the_summary_row_matches_the_datasets(recoded):
    root = recoded["root"]
    summaries = parquet.read_dataset(root, "recodes").to_pylist()
    assert len(summaries) == 1
    summary = summaries[0]
    events = _rows(root, "events")
    mentions = parquet.read_dataset(root, "mentions", dt=DEMO_DAY)
    articles = parquet.read_dataset(root, "articles", dt=DEMO_DAY)
    assert summary["dt"] == DEMO_DAY
    assert summary["extractor_version"] == recoded["new_version"]
    assert summary["versions_before"] == recoded["old_version"]
    assert summary["articles"] == articles.column("language").to_pylist().count("en")
    assert summary["mentions_before"] == summary["mentions_after"] == mentions.num_rows
    named = set(pc.unique(mentions.column("event_id")).to_pylist())
    assert named == events.keys()
    assert summary["events_before"] == summary["events_after"] == len(events)
    assert (summary["ids_kept"], summary["ids_new"], summary["ids_deleted"]) == (len(events), 0, 0)
    plover = Counter(row["plover_type"] for row in events.values())
    acled = Counter(row["acled_event_type"] for row in events.values() if row["acled_event_type"])
    assert json.loads(summary["plover_after"]) == json.loads(summary["plover_before"]) == plover
    assert json.loads(summary["acled_after"]) == acled
    fatalities = sum(row["fatalities"] or 0 for row in events.values())
    assert summary["fatalities_before"] == summary["fatalities_after"] == fatalities
    assert json.loads(summary["changes"]) == []


def test_a_second_recode_of_outdated_days_does_nothing(recoded):
    assert recoded["again"].state == "success"
    assert parquet.read_dataset(recoded["root"], "recodes").num_rows == 1
