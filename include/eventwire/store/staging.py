"""Hand-offs between the tasks of one DAG run: ``_staging/<dag>/<interval stem>/<run>/``.

A task writes what the next task needs here (tasks may run on different workers, so never on
local disk). Two rules make every retry able to succeed:

* Staging is named by run id as well as interval, so two runs of one interval (a manual re-run
  overlapping a scheduled one) never read or delete each other's files.
* Staging is read, never consumed: the publishing task clears its run's folder only after the
  run's datasets and manifest are written and its checks passed. A retry of any task of a run
  that failed finds every file the first attempt read.
"""

from __future__ import annotations

import hashlib
import io
import re

import pyarrow as pa
import pyarrow.parquet as pq

from eventwire.fs import DataRoot
from eventwire.interval import Interval

STAGING = "_staging"
# Run ids ("manual__2017-11-02T09:00:00+00:00") become folder names: unsafe characters are
# replaced and a digest of the original keeps two ids that differ only in them apart.
_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")
_RUN_KEY_CHARS = 64
_RUN_DIGEST_HEX = 10


def run_key(run_id: str) -> str:
    """A folder name for ``run_id`` that is safe on disk and S3 and unique per id."""
    digest = hashlib.sha256(run_id.encode()).hexdigest()[:_RUN_DIGEST_HEX]
    return f"{_UNSAFE.sub('_', run_id)[:_RUN_KEY_CHARS]}-{digest}"


def stage(
    root: DataRoot,
    dag: str,
    window: Interval,
    run_id: str,
    name: str,
    rows: list[dict],
    table_schema: pa.Schema | None = None,
) -> str:
    """Write rows for the next task; returns the staged object's path on the data root."""
    table = (
        pa.Table.from_pylist(rows, schema=table_schema)
        if table_schema
        else (pa.Table.from_pylist(rows) if rows else pa.table({}))
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return root.put_atomic(
        buffer.getvalue(), STAGING, dag, window.stem, run_key(run_id), f"{name}.parquet"
    )


def unstage(root: DataRoot, path: str) -> list[dict]:
    """The rows a task staged (left in place: see the module docstring)."""
    return pq.read_table(io.BytesIO(root.fs.cat_file(path))).to_pylist()


def clear(root: DataRoot, dag: str, window: Interval, run_id: str) -> None:
    """Remove one run's staging of one interval, once that run has succeeded."""
    folder = root.path(STAGING, dag, window.stem, run_key(run_id))
    if root.fs.exists(folder):
        root.fs.rm(folder, recursive=True)
    parent = root.path(STAGING, dag, window.stem)
    if root.fs.exists(parent) and not root.fs.ls(parent, detail=False):
        root.fs.rm(parent, recursive=True)
