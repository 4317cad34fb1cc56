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

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from factories import mention, run

from eventwire import schema
from eventwire.config import Settings
from eventwire.extract.version import extractor_version
from eventwire.fs import DataRoot
from eventwire.interval import Interval
from eventwire.store import merge, parquet, transaction

pytestmark = [pytest.mark.slow, pytest.mark.integration]

DEMO_RUN_AT = datetime(2017, 11, 2, 9, 0, tzinfo=UTC)
DEMO_DAY = "2017-11-02"
DEMO_INTERVAL = "2017-11-02T08:45:00+00:00/2017-11-02T09:00:00+00:00"
# Names no bundled sample contains: a dictionary changes the version, not the coding.
UNUSED_ACTOR = "ZYXQUORT VELANDIMO\n[ZZZGOV]\n"
OTHER_UNUSED_ACTOR = "QWERTZUIO PLOKMIJNAV\n[ZZZMIL]\n"
EVENTWIRE = Path(sys.executable).parent / "eventwire"
# The kill waits for the second day's switch-over; the whole two-day run took ~60 s here.
RECODE_DEADLINE_S = 600
# ``eventwire recode`` that stops (tells the test, then waits to be killed) when the data root
# is about to put the object whose path in the root matches argv[1] (a regular expression).
STOPPING_CHILD = textwrap.dedent(
    """
    import re, sys, time
    from eventwire import cli
    from eventwire.fs import DataRoot

    stop_at, stopped, *arguments = sys.argv[1:]
    put_atomic = DataRoot.put_atomic

    def stopping(self, data, *parts):
        if re.fullmatch(stop_at, "/".join(parts)):
            open(stopped, "w").close()
            time.sleep(600)
        return put_atomic(self, data, *parts)

    DataRoot.put_atomic = stopping
    sys.exit(cli.main(arguments))
    """
)
RECODE_CONF = {"since": DEMO_DAY, "until": DEMO_DAY, "only_outdated": True}


def _rows(root: DataRoot, dataset: str) -> dict[str, dict]:
    key = {"events": "event_id", "mentions": "mention_id"}[dataset]
    table = parquet.read_dataset(root, dataset).drop_columns(["dt"])
    return {row[key]: row for row in table.to_pylist()}


@pytest.fixture(scope="module")
def recoded(tmp_path_factory, dags):
    """The demo day coded, then re-coded after the version changed; what was there before."""
    data = tmp_path_factory.mktemp("data")
    dictionaries = tmp_path_factory.mktemp("dictionaries")
    (dictionaries / "Phoenix.Countries.actors.txt").write_text(UNUSED_ACTOR)
    root = DataRoot(str(data))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("EVENTWIRE_DATA_ROOT", str(data))
        assert dags["eventwire_ingest"].test(logical_date=DEMO_RUN_AT).state == "success"
        assert dags["eventwire_events"].test().state == "success"
        before = {dataset: _rows(root, dataset) for dataset in ("events", "mentions")}
        patch.setenv("EVENTWIRE_DICTIONARIES", str(dictionaries))
        run = dags["eventwire_recode"].test(run_conf=RECODE_CONF)
        assert run.state == "success"
        again = dags["eventwire_recode"].test(run_conf=RECODE_CONF)
        new_version = extractor_version(Settings.from_env())
    return {
        "root": root,
        "before": before,
        "dictionaries": dictionaries,
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
    named = set(pc.unique(mentions.column("event_id").drop_null()).to_pylist())
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


def _second_day(root: DataRoot, settings: Settings) -> tuple[str, list[Interval]]:
    """Copy the demo day's articles to the next day (new ids, a day later), split over two
    intervals, and code them; returns the day and its intervals.

    The copies are the same news a day later, so many of their mentions join the first day's
    events: re-coding one day then rewrites events files that the other day's rows live in.
    """
    from eventwire import tasks
    from eventwire.store.manifest import articles_digest, write_manifest

    first = Interval.parse(DEMO_INTERVAL)
    start = first.start + timedelta(days=1)
    windows = [
        Interval(start, first.end + timedelta(days=1)),
        Interval(first.end + timedelta(days=1), first.end + timedelta(days=1, minutes=15)),
    ]
    rows = parquet.read_dataset(root, "articles", dt=DEMO_DAY).drop_columns(["dt"]).to_pylist()
    for number, row in enumerate(rows):
        row["article_id"] = hashlib.sha256(f"next:{row['article_id']}".encode()).hexdigest()[:16]
        row["url"] = row["canonical_url"] = row["canonical_url"].rstrip("/") + "/next"
        if row["published_at"]:
            row["published_at"] += timedelta(days=1)
        row["ingested_at"] = windows[number % 2].end
    for window in windows:
        own = [row for row in rows if row["ingested_at"] == window.end]
        table = pa.Table.from_pylist(own, schema=schema.ARTICLES)
        parquet.write_interval(root, "articles", table, window)
        counts = {"articles": len(own), "articles_digest": articles_digest(table)}
        write_manifest(root, "ingest", window, counts)
    run_id = "manual__second_day"
    batches = tasks.pending_batches(settings)
    assert {batch["interval"] for batch in batches} == {str(window) for window in windows}
    tasks.publish_events(
        [tasks.extract_batch(b, settings, run_id) for b in batches], settings, run_id
    )
    return windows[0].dt, windows


def _versions_by_day(root: DataRoot) -> dict[str, set[str]]:
    mentions = parquet.read_dataset(root, "mentions").select(["dt", "extractor_version"])
    found: dict[str, set[str]] = {}
    for row in mentions.to_pylist():
        found.setdefault(row["dt"], set()).add(row["extractor_version"])
    return found


def _events_agree_with_their_first_mentions(root: DataRoot) -> None:
    """Every event row carries the version of the mention it was built from (no event of a
    half-written day)."""
    firsts: dict[str, dict] = {}
    for row in parquet.read_dataset(root, "mentions").to_pylist():
        if row["event_id"] is None:
            continue  # a negated mention: never an event
        key = (row["ingested_at"], row["mention_id"])
        if row["event_id"] not in firsts or key < firsts[row["event_id"]]["key"]:
            firsts[row["event_id"]] = {"key": key, "version": row["extractor_version"]}
    events = _rows(root, "events")
    assert events.keys() == firsts.keys()
    for event_id, row in events.items():
        assert row["extractor_version"] == firsts[event_id]["version"], event_id


def _versions_on_disk(root: DataRoot, day: str) -> set[str]:
    """The versions in the day's mentions files as they lie on disk, read without the store
    (which honours a committed transaction): what a half-finished switch-over left there."""
    found: set[str] = set()
    for path in root.fs.find(root.path("mentions", f"dt={day}")):
        found.update(pq.read_table(path, columns=["extractor_version"])[0].to_pylist())
    return found


@pytest.mark.parametrize("point", ["before-commit", "mid-switch"])
def test_a_recode_killed_inside_a_days_switch_over_leaves_whole_days(recoded, tmp_path, point):
    """``kill -9`` of ``eventwire recode`` over two days, inside the second day's switch-over:
    as it writes the day's commit record (``before-commit``), or with the record written and
    the day's first interval's mentions put in place but not its second's (``mid-switch``)."""
    data = tmp_path / "data"
    shutil.copytree(recoded["root"].base, data)
    shutil.rmtree(data / "recodes")
    root = DataRoot(str(data))
    coded_with = replace(Settings(), data_root=str(data), dictionaries=recoded["dictionaries"])
    second, windows = _second_day(root, coded_with)
    old = extractor_version(coded_with)
    assert _versions_by_day(root) == {DEMO_DAY: {old}, second: {old}}
    newer = tmp_path / "newer"
    newer.mkdir()
    (newer / "Phoenix.Countries.actors.txt").write_text(OTHER_UNUSED_ACTOR)
    new = extractor_version(replace(coded_with, dictionaries=newer))
    env = os.environ | {
        "EVENTWIRE_DATA_ROOT": str(data),
        "EVENTWIRE_DICTIONARIES": str(newer),
        # The second day's intervals hold half the demo's mentions each: with them as history
        # the volume check would judge the re-coded demo interval a surge.
        "EVENTWIRE_VOLUME_MIN_HISTORY": "100",
    }
    arguments = ["recode", "--since", DEMO_DAY, "--until", second]
    stop_at = {
        "before-commit": rf"{transaction.TRANSACTIONS}/recode-{second}-[^/]*\.json",
        "mid-switch": re.escape(f"mentions/dt={second}/{windows[1].file_name}"),
    }[point]
    stopped = tmp_path / "stopped"
    child = [sys.executable, "-c", STOPPING_CHILD, stop_at, str(stopped), *arguments]
    with open(tmp_path / "killed.log", "wb") as log:
        process = subprocess.Popen(child, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + RECODE_DEADLINE_S
        while not stopped.exists():
            assert process.poll() is None, (tmp_path / "killed.log").read_text()
            assert time.monotonic() < deadline, "the recode never reached the stop"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    recoded_days = parquet.read_dataset(root, "recodes").column("dt").to_pylist()
    if point == "before-commit":
        assert _versions_by_day(root) == {DEMO_DAY: {new}, second: {old}}
        assert _versions_on_disk(root, second) == {old}
        assert recoded_days == [DEMO_DAY]
    else:
        assert _versions_by_day(root) == {DEMO_DAY: {new}, second: {new}}
        assert _versions_on_disk(root, second) == {old, new}, "the kill is mid-switch"
        assert sorted(recoded_days) == [DEMO_DAY, second]
    _events_agree_with_their_first_mentions(root)

    rerun = subprocess.run(
        [str(EVENTWIRE), *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=RECODE_DEADLINE_S,
        check=False,
    )
    assert rerun.returncode == 0, rerun.stderr
    coded = 1 if point == "before-commit" else 0
    assert f"days re-coded: {coded} of 2" in rerun.stdout
    assert _versions_by_day(root) == {DEMO_DAY: {new}, second: {new}}
    assert _versions_on_disk(root, second) == {new}
    assert sorted(parquet.read_dataset(root, "recodes").column("dt").to_pylist()) == [
        DEMO_DAY,
        second,
    ]
    _events_agree_with_their_first_mentions(root)
    assert not list((data / transaction.TRANSACTIONS).glob("*"))
    assert not [p for p in (data / "_staging").rglob("*") if p.is_file() and "recode" in str(p)]


@pytest.mark.parametrize("keep_replaced", [True, False])
def test_a_recoded_mention_that_still_matches_its_event_keeps_the_id(tmp_path, keep_replaced):
    """Another actor code gives the mention another id; the event is still the same event."""
    root = DataRoot(str(tmp_path / "data"))
    window = run()

    def merged(rows: list[dict]) -> merge.MergeResult:
        table = pa.Table.from_pylist(rows, schema=schema.MENTIONS)
        plan = merge.plan_merge(root, table, window, keep_replaced=keep_replaced)
        result = plan.commit(reason="recoded")
        parquet.write_interval(root, "mentions", result.mentions, window)
        return result

    merged([mention("m-old", window, actor_code="IRQ")])
    result = merged([mention("m-new", window, actor_code="IRQMIL")])
    ids = set(result.mentions.column("event_id").to_pylist())
    deletions = parquet.read_dataset(root, "deletions").to_pylist()
    if keep_replaced:
        assert ids == {merge.event_id_for("m-old")}
        assert deletions == []
    else:
        assert ids == {merge.event_id_for("m-new")}
        assert [(row["event_id"], row["reason"]) for row in deletions] == [
            (merge.event_id_for("m-old"), "recoded")
        ]
    assert set(_rows(root, "events")) == ids


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [("2017-11-03", "2017-11-01", "is before since"), ("2017-11-01", "2017-11-01", "not exist")],
)
def test_recode_fails_in_one_line(tmp_path, capsys, since, until, message):
    from eventwire import cli

    root = tmp_path if "before" in message else tmp_path / "missing"
    argv = ["recode", "--since", since, "--until", until, "--data-root", str(root)]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
