"""Per-run counts as small JSON objects: what ``eventwire summary`` and the UI report.

A manifest is written last by a run's publishing task, so its presence also says the run's
datasets are complete. One object per stage and interval
(``_manifests/<stage>/dt=…/<interval stem>.json``): a re-run overwrites its own, atomically
(``DataRoot.put_atomic``).

A manifest that cannot be read (empty or cut short by a full disk, edited by hand) would stop
every events run, which lists the manifests to find its backlog. It is rebuilt from the files
of its interval instead, with a warning: the counts the datasets still show, the files, and
for ingest the articles digest. Counts only a run knew (feed outcomes) are not rebuilt.

The ingest manifest carries ``articles_digest``, a hash of the interval's articles as written;
the events manifest carries the digest it coded. When they differ the interval's articles
changed since it was coded, and the events DAG codes it again (``tasks.pending_batches``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import posixpath

import pyarrow as pa
import pyarrow.compute as pc

from eventwire import schema
from eventwire.fs import DataRoot
from eventwire.interval import Interval
from eventwire.store import parquet, transaction

MANIFESTS = "_manifests"
# The dataset whose rows an events or ingest manifest counts, by stage.
_COUNTED: dict[str, tuple[schema.Dataset, str]] = {
    "ingest": ("articles", "articles"),
    "events": ("mentions", "mentions"),
}

log = logging.getLogger(__name__)


def write_manifest(root: DataRoot, stage: str, interval: Interval, counts: dict) -> str:
    body = {**counts, "stage": stage, "interval": str(interval), "dt": interval.dt}
    data = json.dumps(body, sort_keys=True, indent=1, default=str).encode()
    return root.put_atomic(data, MANIFESTS, stage, f"dt={interval.dt}", f"{interval.stem}.json")


def articles_digest(articles: pa.Table) -> str:
    """A hash of an interval's articles, independent of row order and partition columns."""
    table = parquet.conform("articles", articles)
    data = parquet.encode("articles", parquet.sort_rows("articles", table))
    return hashlib.sha256(data).hexdigest()


def read_manifests(root: DataRoot, stage: str | None = None, *, repair: bool = False) -> list[dict]:
    """Every manifest (of ``stage``), oldest interval first; damaged ones rebuilt (and, with
    ``repair``, written back so the warning is given once). A committed transaction not yet
    applied is read through (``transaction.reading``)."""
    view = transaction.reading(root)
    base = view.path(MANIFESTS, stage) if stage else view.path(MANIFESTS)
    view.fs.invalidate_cache(base)
    if not view.fs.exists(base):
        return []
    paths = [
        path
        for path in view.fs.find(base)
        if path.endswith(".json") and not posixpath.basename(path).startswith(".")
    ]
    manifests = [
        body
        for path in paths
        if (body := _read(root, view.fs.cat_file(path), path, repair)) is not None
    ]
    return sorted(manifests, key=lambda item: (item.get("interval", ""), item.get("stage", "")))


def _read(root: DataRoot, data: bytes, path: str, repair: bool) -> dict | None:
    try:
        body = json.loads(data)
        if isinstance(body, dict) and "interval" in body:
            return body
        problem = "not a manifest object"
    except (ValueError, UnicodeDecodeError) as error:
        problem = str(error)
    try:
        stage, dt, name = posixpath.relpath(path, root.path(MANIFESTS)).split("/")
        stem = name.removesuffix(".json").split("_", 1)[1]
        interval = Interval.from_file(dt.removeprefix("dt="), f"{stem}.parquet")
    except (ValueError, IndexError):
        log.warning(
            "ignoring %s: not a manifest (%s) and not named after an interval", path, problem
        )
        return None
    counts = rebuild(root, stage, interval) if stage in _COUNTED else {}
    log.warning(
        "manifest %s is damaged (%s); rebuilt from the files of %s", path, problem, interval
    )
    if repair:
        write_manifest(root, stage, interval, counts)
    return {**counts, "stage": stage, "interval": str(interval), "dt": interval.dt}


def rebuild(root: DataRoot, stage: str, interval: Interval) -> dict:
    """What a stage's manifest of ``interval`` says, recomputed from the datasets."""
    dataset, key = _COUNTED[stage]
    rows = _interval_rows(root, dataset, interval)
    name = parquet.interval_file_name(interval, stage)
    quarantine = [
        path
        for path in parquet.list_files(root, "quarantine", dt=interval.dt)
        if posixpath.basename(path) == name
    ]
    own = posixpath.basename(parquet.interval_file_name(interval))
    files = [
        path
        for data in (dataset, "quality")
        for path in parquet.list_files(root, data, dt=interval.dt)
        if posixpath.basename(path) in (own, name)
    ]
    counts = {
        key: rows.num_rows,
        "quarantined": sum(parquet.read_file(root, "quarantine", p).num_rows for p in quarantine),
        "files": [root.uri(p) for p in sorted(files + quarantine)],
        "rebuilt": True,
    }
    if stage == "ingest":
        counts["articles_digest"] = articles_digest(rows)
        counts["english_articles"] = rows.column("language").to_pylist().count("en")
    return counts


def _interval_rows(root: DataRoot, dataset: schema.Dataset, interval: Interval) -> pa.Table:
    """The rows a run of ``interval`` wrote to ``dataset``, in small or compacted files."""
    table = parquet.read_dataset(root, dataset, dt=interval.dt)
    own = pc.equal(table.column("ingested_at"), pa.scalar(interval.end, schema.UTC_TIMESTAMP))
    return table.filter(pc.fill_null(own, False)).drop_columns(["dt"])
