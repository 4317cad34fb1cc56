"""The writer and reader: atomic, deterministic, interval-owned files; compaction; retention."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pytest
from factories import mention, run, synthetic_mentions

from eventwire import schema
from eventwire.fs import DataRoot
from eventwire.store import compact, manifest, parquet, retention


@pytest.fixture
def root(tmp_path: Path) -> DataRoot:
    return DataRoot(str(tmp_path / "data"))


def _digest(root: DataRoot, dataset: str) -> dict[str, str]:
    return {
        Path(path).relative_to(root.base).as_posix(): hashlib.sha256(
            root.fs.cat_file(path)
        ).hexdigest()
        for path in parquet.list_files(root, dataset)
    }


def _quarantine(record_id: str, stage: str, window) -> dict:
    return {
        "record_id": record_id,
        "reason": "HTTP 404",
        "stage": stage,
        "run_id": "r1",
        "quarantined_at": window.end,
    }


def test_rerun_is_byte_identical_whatever_the_row_order(root):
    window = run()
    rows = synthetic_mentions(500, window, seed=1)
    first = parquet.write_interval(root, "mentions", rows, window)
    before = _digest(root, "mentions")
    shuffled = rows.take(list(reversed(range(rows.num_rows))))
    assert parquet.write_interval(root, "mentions", shuffled, window) == first
    assert _digest(root, "mentions") == before
    assert first == [root.path("mentions", "dt=2017-11-02", "part-0900-0915.parquet")]


def test_read_adds_partitions_and_ignores_temporary_files(root):
    window = run()
    parquet.write_interval(root, "mentions", synthetic_mentions(10, window), window)
    folder = Path(root.path("mentions", "dt=2017-11-02"))
    (folder / ".part-0915-0930.parquet.abc.tmp").write_bytes(b"PAR1 half a file")
    (folder / "_staging").mkdir()
    (folder / "_staging" / "x.parquet").write_bytes(b"junk")
    table = parquet.read_dataset(root, "mentions")
    assert table.num_rows == 10
    assert set(table.column("dt").to_pylist()) == {"2017-11-02"}
    assert table.column_names == [*schema.MENTIONS.names, "dt"]


def test_rerun_replaces_exactly_its_own_files_across_stages(root):
    window, other = run(), run(minute=15)
    rows = [_quarantine("a", "fetch", window), _quarantine("b", "feed", window)]
    parquet.write_interval(root, "quarantine", rows, window, part="ingest")
    parquet.write_interval(root, "quarantine", [_quarantine("c", "fetch", other)], other)
    parquet.write_interval(root, "quarantine", [_quarantine("d", "quality", window)], window)
    parquet.write_interval(root, "quarantine", rows[:1], window, part="ingest")
    table = parquet.read_dataset(root, "quarantine")
    found = sorted(zip(table["record_id"].to_pylist(), table["stage"].to_pylist(), strict=True))
    assert found == [("a", "fetch"), ("c", "fetch"), ("d", "quality")]
    parquet.write_interval(root, "quarantine", [], window, part="ingest")
    assert sorted(parquet.read_dataset(root, "quarantine")["record_id"].to_pylist()) == ["c", "d"]


def test_rows_missing_a_partition_value_are_refused(root):
    row = _quarantine("a", "fetch", run())
    del row["stage"]
    with pytest.raises(parquet.DatasetError, match="stage"):
        parquet.write_interval(root, "quarantine", [row], run())


@pytest.fixture
def day_of_runs(root) -> list:
    runs = [run(hour=hour, minute=minute) for hour in (9, 10) for minute in (0, 15, 30, 45)]
    for number, window in enumerate(runs):
        table = synthetic_mentions(50, window, seed=number)
        parquet.write_interval(root, "mentions", table, window)
    return runs


def test_compaction_keeps_every_row_sorted_and_is_idempotent(root, day_of_runs):
    before = parquet.read_dataset(root, "mentions")
    result = compact.compact_day(root, "mentions", "2017-11-02")
    assert (result["files_before"], result["files_after"], result["rows"]) == (8, 1, 400)
    after = parquet.read_dataset(root, "mentions")
    assert sorted(after["mention_id"].to_pylist()) == sorted(before["mention_id"].to_pylist())
    dates = after["event_date"].to_pylist()
    assert dates == sorted(dates)
    files = _digest(root, "mentions")
    assert compact.compact_day(root, "mentions", "2017-11-02")["files_after"] == 1
    assert _digest(root, "mentions") == files
    leftovers = sorted(p.name for p in Path(root.path("mentions", "dt=2017-11-02")).iterdir())
    assert leftovers == ["_compaction.json", *(Path(p).name for p in files)]


def test_rerun_of_a_compacted_interval_replaces_its_rows(root, day_of_runs):
    compact.compact_day(root, "mentions", "2017-11-02")
    window = day_of_runs[3]
    parquet.write_interval(root, "mentions", synthetic_mentions(7, window, seed=99), window)
    table = parquet.read_dataset(root, "mentions")
    assert table.num_rows == 400 - 50 + 7
    assert table.filter(pa.compute.equal(table["ingested_at"], window.end)).num_rows == 7
    compact.compact_day(root, "mentions", "2017-11-02")
    assert parquet.read_dataset(root, "mentions").num_rows == 357
    assert len(parquet.list_files(root, "mentions")) == 1


def test_late_run_of_a_compacted_day_is_visible(root, day_of_runs):
    compact.compact_day(root, "mentions", "2017-11-02")
    late = run(hour=23, minute=45)
    parquet.write_interval(root, "mentions", synthetic_mentions(5, late, seed=7), late)
    assert parquet.read_dataset(root, "mentions").num_rows == 405


def test_retention_drops_only_old_quarantine_days(root):
    for day in ("2017-08-01", "2017-08-04", "2017-11-01"):
        window = run(day=date.fromisoformat(day))
        parquet.write_interval(root, "quarantine", [_quarantine(day, "fetch", window)], window)
    parquet.write_interval(root, "mentions", synthetic_mentions(3, run()), run())
    removed = retention.enforce_retention(root, 90, "2017-11-02")
    assert removed == ["2017-08-01"]
    kept = sorted(set(parquet.read_dataset(root, "quarantine")["dt"].to_pylist()))
    assert kept == ["2017-08-04", "2017-11-01"]
    assert retention.enforce_retention(root, 90, "2017-11-02") == []
    assert parquet.read_dataset(root, "mentions").num_rows == 3


def test_retention_counts_age_on_the_data_clock_not_the_wall_clock(root):
    """The bundled 2017 demo keeps its quarantine when maintenance runs years later; the
    same quarantine ages out once newer data is ingested."""
    demo = run()
    parquet.write_interval(root, "quarantine", [_quarantine("q1", "fetch", demo)], demo)
    assert retention.enforce_retention(root, 90, "2026-12-02") == []
    live = run(day=date(2026, 12, 1))
    parquet.write_interval(root, "articles", [], live)
    parquet.write_interval(root, "quarantine", [_quarantine("q2", "fetch", live)], live)
    assert retention.enforce_retention(root, 90, "2026-12-02") == ["2017-11-02"]


def test_manifests_round_trip_in_interval_order(root):
    later, earlier = run(minute=15), run()
    manifest.write_manifest(root, "events", later, {"mentions": 2, "files": ["x"]})
    manifest.write_manifest(root, "ingest", earlier, {"articles": 5})
    manifest.write_manifest(root, "events", earlier, {"mentions": 1})
    assert [m["mentions"] for m in manifest.read_manifests(root, "events")] == [1, 2]
    every = manifest.read_manifests(root)
    assert [(m["stage"], m["interval"]) for m in every] == [
        ("events", str(earlier)),
        ("ingest", str(earlier)),
        ("events", str(later)),
    ]


def test_mention_helper_rows_cast_to_the_schema():
    window = run()
    row = mention("m1", window, event_date=window.start.date() - timedelta(days=2))
    assert pa.Table.from_pylist([row], schema=schema.MENTIONS).num_rows == 1
