"""Compaction of a closed day: many small interval files into a few files sorted for analysts.

Order of writes (what keeps readers consistent if the process dies at any point):

1. the compacted files are written, each atomically, under names that readers ignore until a
   marker lists them (``parquet`` module docstring);
2. the folder's ``_compaction.json`` is written in one atomic put: it lists the new files and
   the small files they replace; this is the commit, after which readers see only the new files;
3. the replaced small files and any earlier compacted files are deleted (garbage).

A crash before 2 leaves the old files visible and some invisible new ones, which the next run
overwrites (their names derive from what they absorb); a crash after 2 leaves garbage that the
next run deletes. A folder with nothing small left is not rewritten, so compacting twice
changes nothing.
"""

from __future__ import annotations

import posixpath
from dataclasses import asdict, dataclass

from eventwire.fs import TEMPORARY_PREFIX, DataRoot
from eventwire.schema import Dataset
from eventwire.store import parquet

COMPACTABLE = ("articles", "mentions", "events")
TEMPORARY_SUFFIX = ".tmp"  # DataRoot.put_atomic names its temporary files ".<name>.<uuid>.tmp"


@dataclass(frozen=True)
class CompactionResult:
    dataset: Dataset
    dt: str
    files_before: int
    files_after: int
    rows: int


def compact_day(root: DataRoot, dataset: Dataset, dt: str) -> dict:
    """Compact ``dataset``'s ``dt`` partition; returns files before/after and the row count."""
    if dataset not in COMPACTABLE:
        raise parquet.DatasetError(dataset, "only articles, mentions and events are compacted")
    before = after = rows = 0
    for folder in parquet.leaf_folders(root, dataset, dt):
        result = _compact_folder(root, dataset, dt, folder)
        before, after, rows = before + result[0], after + result[1], rows + result[2]
    return asdict(CompactionResult(dataset, dt, before, after, rows))


def _compact_folder(root: DataRoot, dataset: Dataset, dt: str, folder: str) -> tuple[int, int, int]:
    marker = parquet.read_marker(root, folder)
    visible = [
        p for p in parquet.list_files(root, dataset, dt=dt) if posixpath.dirname(p) == folder
    ]
    small = [p for p in visible if not parquet.is_compacted(p)]
    if not small:
        _collect_garbage(root, folder, marker)
        rows = sum(parquet.read_file(root, dataset, p).num_rows for p in visible)
        return len(visible), len(visible), rows
    # read_dataset moves a corrupt small file aside: the day is compacted without it.
    table = parquet.conform(dataset, parquet.read_dataset(root, dataset, files=visible))
    table = parquet.sort_rows(dataset, table, parquet.COMPACT_SORT)
    replaces = sorted({*marker["replaces"], *(posixpath.basename(p) for p in small)})
    files = parquet.write_compacted(
        root, dataset, folder, table, replaces, parquet.COMPACT_ROWS_PER_FILE
    )
    parquet.write_marker(root, folder, files, replaces)
    _collect_garbage(root, folder, {"files": files, "replaces": replaces})
    return len(visible), len(files), table.num_rows


def _collect_garbage(root: DataRoot, folder: str, marker: dict) -> None:
    """Delete replaced small files, compacted files no marker lists and crashed writers'
    temporary files (step 3, or what a crash left behind).

    The day is closed, so a temporary file here belongs to a writer that died; should a late
    re-run be writing at this very moment, its rename fails and the task retries, which is
    safe, whereas leaving orphans would grow the folder after every crash.
    """
    root.fs.invalidate_cache(folder)
    for path in root.fs.ls(folder, detail=False):
        name = posixpath.basename(path)
        stale = (
            name in marker["replaces"]
            or (parquet.is_compacted(name) and name not in marker["files"])
            or (name.startswith(TEMPORARY_PREFIX) and name.endswith(TEMPORARY_SUFFIX))
        )
        if stale:
            root.fs.rm(path)
