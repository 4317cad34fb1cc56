"""A transaction over the data root, on a local folder and on S3 (moto's server): the change of
two intervals (events merged, one interval's mentions rewritten, the other's removed, a
manifest) is invisible until the commit, whole to every reader (Arrow, manifests, DuckDB) when
the commit is cut short after one file was put in place, and finished by the next writer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pyarrow as pa
import pytest
from factories import run, synthetic_mentions
from test_store_s3 import CREDENTIALS, endpoint  # noqa: F401 (the S3 server fixture)

from eventwire.config import S3Options
from eventwire.fs import DataRoot
from eventwire.store import manifest, merge, parquet, transaction, views

RUNS = [run(hour=9, minute=minute) for minute in (0, 15)]
# moto's servers in one process share their buckets: test_store_s3 creates its own bucket.
BUCKET = "eventwire-transactions"
NAME = "recode-2017-11-02-test"


class Crash(Exception):
    """Stands in for the process dying at one write."""


@pytest.fixture(params=["local", "s3"])
def root(request, tmp_path) -> Iterator[DataRoot]:
    """Two intervals merged and written, each with its events manifest."""
    if request.param == "local":
        root = DataRoot(str(tmp_path / "data"))
    else:
        options = S3Options(endpoint_url=request.getfixturevalue("endpoint"), **CREDENTIALS)
        root = DataRoot(f"s3://{BUCKET}/{tmp_path.name}", options)
        if not root.fs.exists(BUCKET):
            root.fs.mkdir(BUCKET)
    for number, window in enumerate(RUNS):
        _publish(root, synthetic_mentions(50, window, number), window)
    return root


def _publish(root: DataRoot, mentions: pa.Table, window) -> None:
    result = merge.merge_mentions(root, mentions, window)
    parquet.write_interval(root, "mentions", result.mentions, window)
    manifest.write_manifest(root, "events", window, {"mentions": result.mentions.num_rows})


def _change(root: DataRoot) -> transaction.Transaction:
    """The first interval coded again (other mentions), the second left without mentions."""
    change = transaction.begin(root, NAME, (parquet.CORRUPT,))
    _publish(change, synthetic_mentions(40, RUNS[0], seed=7), RUNS[0])
    _publish(change, synthetic_mentions(0, RUNS[1]), RUNS[1])
    return change


def _seen(root: DataRoot) -> dict:
    """What the library's readers see, in a comparable form."""
    seen = {
        dataset: sorted(
            parquet.read_dataset(root, dataset).to_pylist(), key=lambda row: sorted(row.items())
        )
        for dataset in ("mentions", "events", "deletions")
    }
    seen["manifests"] = manifest.read_manifests(root, "events")
    return seen


def _queried(root: DataRoot) -> dict:
    """What ``eventwire query`` (DuckDB over the listed files) sees: ids by dataset."""
    connection = views.connect(root)
    try:
        return {
            "mentions": sorted(connection.execute("SELECT mention_id FROM mentions").fetchall()),
            "events": sorted(connection.execute("SELECT event_id FROM events").fetchall()),
        }
    finally:
        connection.close()


def _ids(seen: dict) -> dict:
    return {
        "mentions": sorted((row["mention_id"],) for row in seen["mentions"]),
        "events": sorted((row["event_id"],) for row in seen["events"]),
    }


def _crash_after_puts(monkeypatch, allowed: int) -> None:
    """The plain data root dies at its ``allowed + 1``-th atomic put."""
    put_atomic = DataRoot.put_atomic
    calls = []

    def counted(self, data, *parts):
        calls.append(parts)
        if len(calls) > allowed:
            raise Crash(parts)
        return put_atomic(self, data, *parts)

    monkeypatch.setattr(DataRoot, "put_atomic", counted)


def _record(root: DataRoot) -> dict:
    return json.loads(root.read_bytes(transaction.TRANSACTIONS, f"{NAME}.json"))


def _transaction_files(root: DataRoot) -> list[str]:
    root.fs.invalidate_cache()
    folder = root.path(transaction.TRANSACTIONS)
    return root.fs.find(folder) if root.fs.exists(folder) else []


def test_a_transaction_is_invisible_until_it_commits(root):
    old = _seen(root)
    change = _change(root)
    new = _seen(change)
    assert new["mentions"] != old["mentions"] and new["events"] != old["events"]
    assert not [row for row in new["mentions"] if row["ingested_at"] == RUNS[1].end]
    assert _seen(root) == old
    assert _queried(root) == _ids(old)
    transaction.commit(change)
    assert _seen(root) == new
    assert _queried(root) == _ids(new)
    assert _transaction_files(root) == []


def test_a_commit_cut_short_is_whole_to_readers_and_finished_by_the_next_writer(root, monkeypatch):
    change = _change(root)
    new = _seen(change)
    with monkeypatch.context() as patch:
        _crash_after_puts(patch, allowed=2)  # the record, then one file put in place
        with pytest.raises(Crash):
            transaction.commit(change)
    record = _record(root)
    assert len(record["written"]) > 1 and record["removed"]
    placed = [
        root.exists(path)
        and root.read_bytes(path) == root.read_bytes(transaction.TRANSACTIONS, NAME, path)
        for path in record["written"]
    ]
    assert placed.count(True) >= 1 and placed.count(False) >= 1, "the crash is mid-switch"
    assert all(root.exists(path) for path in record["removed"])
    assert _seen(root) == new
    assert _queried(root) == _ids(new)
    transaction.finish(root)
    assert _transaction_files(root) == []
    assert _seen(root) == new


def test_a_transaction_that_never_committed_is_thrown_away(root, monkeypatch):
    old = _seen(root)
    change = _change(root)
    with monkeypatch.context() as patch:
        _crash_after_puts(patch, allowed=0)  # dies writing the record
        with pytest.raises(Crash):
            transaction.commit(change)
    assert _transaction_files(root)
    assert _seen(root) == old
    transaction.begin(root, "next")
    assert _transaction_files(root) == []
    assert _seen(root) == old


def test_a_readers_view_cannot_write(root, monkeypatch):
    change = _change(root)
    with monkeypatch.context() as patch:
        _crash_after_puts(patch, allowed=1)  # the record only
        with pytest.raises(Crash):
            transaction.commit(change)
    view = transaction.reading(root)
    with pytest.raises(PermissionError, match="read-only"):
        view.put_atomic(b"x", "events", "x.parquet")
