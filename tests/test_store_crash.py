"""Crash safety: a writer killed with SIGKILL at any point leaves a complete, readable dataset.

The writer runs in a subprocess whose filesystem calls are wrapped to stop at one chosen point
(half a file written, a temporary file complete but not renamed, compacted files written but
not committed, committed but not cleaned up), tell the test, and wait to be killed. The test
then reads the dataset as an analyst would and finishes the interrupted work with a re-run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from factories import run, synthetic_mentions

from eventwire.fs import DataRoot
from eventwire.store import compact, parquet

DAY = "2017-11-02"
RUNS = [run(hour=9, minute=minute) for minute in (0, 15, 30, 45)]
SIGNAL_TIMEOUT_S = 60

pytestmark = pytest.mark.slow  # each case kills a child process mid-write

# The child: install the stop at POINT, then run OPERATION; it never gets past the stop.
CHILD = textwrap.dedent(
    """
    import os, sys, time
    import pyarrow.parquet as pq
    from fsspec.implementations.local import LocalFileOpener, LocalFileSystem
    from eventwire.fs import DataRoot
    from eventwire.interval import Interval
    from eventwire.store import compact, parquet

    data, point, operation, signal_file, rows_file, interval = sys.argv[1:7]

    def stop():
        open(signal_file, "w").close()
        time.sleep(120)

    if point == "mid-write":
        def write(self, chunk):
            self.f.write(chunk[: len(chunk) // 2])
            self.f.flush()
            stop()
        LocalFileOpener.write = write
    elif point == "before-rename":
        LocalFileSystem.mv = lambda self, *args, **kwargs: stop()
    elif point == "before-commit":
        parquet.write_marker = lambda *args, **kwargs: stop()
    elif point == "before-cleanup":
        compact._collect_garbage = lambda *args, **kwargs: stop()

    root = DataRoot(data)
    if operation == "rerun":
        table = pq.read_table(rows_file)
        parquet.write_interval(root, "mentions", table, Interval.parse(interval))
    else:
        compact.compact_day(root, "mentions", "2017-11-02")
    """
)


@pytest.fixture
def root(tmp_path: Path) -> DataRoot:
    root = DataRoot(str(tmp_path / "data"))
    for number, window in enumerate(RUNS):
        parquet.write_interval(root, "mentions", synthetic_mentions(40, window, number), window)
    return root


def _mention_ids(root: DataRoot) -> Counter:
    for path in parquet.list_files(root, "mentions"):
        pq.ParquetFile(path)  # every visible file is a whole Parquet file (footer included)
    return Counter(parquet.read_dataset(root, "mentions")["mention_id"].to_pylist())


def _kill_at(root: DataRoot, tmp_path: Path, point: str, operation: str, rows=None) -> None:
    signal_file = tmp_path / f"stopped-{point}"
    rows_file = tmp_path / "rows.parquet"
    if rows is not None:
        pq.write_table(rows, rows_file)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, root.url, point, operation, str(signal_file),
         str(rows_file), str(RUNS[1])],
    )  # fmt: skip
    try:
        deadline = time.monotonic() + SIGNAL_TIMEOUT_S
        while not signal_file.exists():
            assert child.poll() is None, f"writer exited ({child.returncode}) before {point}"
            assert time.monotonic() < deadline, f"writer never reached {point}"
            time.sleep(0.05)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


@pytest.mark.parametrize("point", ["mid-write", "before-rename"])
def test_killed_rerun_leaves_the_previous_files(root, tmp_path, point):
    before = _mention_ids(root)
    replacement = synthetic_mentions(25, RUNS[1], seed=42)
    _kill_at(root, tmp_path, point, "rerun", replacement)
    assert _mention_ids(root) == before
    parquet.write_interval(root, "mentions", replacement, RUNS[1])
    after = _mention_ids(root)
    assert sum(after.values()) == 160 - 40 + 25 and max(after.values()) == 1


@pytest.mark.parametrize("point", ["mid-write", "before-rename", "before-commit", "before-cleanup"])
def test_killed_compaction_shows_every_row_once(root, tmp_path, point):
    before = _mention_ids(root)
    _kill_at(root, tmp_path, point, "compact")
    assert _mention_ids(root) == before
    result = compact.compact_day(root, "mentions", DAY)
    assert (result["files_after"], result["rows"]) == (1, 160)
    assert _mention_ids(root) == before
    names = sorted(p.name for p in Path(root.path("mentions", f"dt={DAY}")).iterdir())
    assert names == [
        "_compaction.json",
        Path(parquet.list_files(root, "mentions")[0]).name,
    ]


@pytest.mark.parametrize("point", ["before-rename", "before-commit"])
def test_killed_rerun_of_a_compacted_day_keeps_the_old_rows(root, tmp_path, point):
    compact.compact_day(root, "mentions", DAY)
    before = _mention_ids(root)
    replacement = synthetic_mentions(25, RUNS[1], seed=42)
    _kill_at(root, tmp_path, point, "rerun", replacement)
    assert _mention_ids(root) == before
    parquet.write_interval(root, "mentions", replacement, RUNS[1])
    assert sum(_mention_ids(root).values()) == 160 - 40 + 25
