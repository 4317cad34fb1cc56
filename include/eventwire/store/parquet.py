"""The one writer and reader of every dataset: hive-partitioned Parquet on the data root.

Layout and visibility rules (what readers may see, so a crash never shows half a change):

* A dataset is ``<dataset>/dt=YYYY-MM-DD/[stage=…/]<file>.parquet``; the partition values live
  in the path only. Names starting with ``.`` or ``_`` are never data (temporary files of
  ``DataRoot.put_atomic``, the ``_compaction.json`` marker).
* A run writes ``part-HHMM-HHMM[-<part>].parquet`` named after its data interval, each file
  atomically, then removes that name from partitions its rows no longer reach, so a re-run
  replaces exactly its own files.
* Compaction (``compact.py``) writes ``part-<day>T0000-<next day>T0000-c<digest>n<NN>.parquet``
  files that stay invisible until the folder's ``_compaction.json`` (one atomic object) lists
  them under ``files``; the same write lists the small files they absorbed under ``replaces``,
  which hides them. That single put is the commit point: readers see either the small files
  or the compacted ones, never both and never neither, and the replaced files are deleted
  afterwards as garbage.
* Re-running an interval of a compacted day (articles, mentions) first writes new compacted
  files without that interval's rows and the interval's own file (both still hidden), then
  commits a marker that shows them and no longer hides the interval's name.

Files are byte-deterministic: rows sorted by the dataset key, dictionaries rebuilt in sorted
order, fixed writer options and no wall-clock metadata, so the same rows give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import posixpath
import re
from collections.abc import Iterable
from datetime import datetime, timedelta

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from eventwire import schema
from eventwire.fs import DataRoot
from eventwire.interval import Interval
from eventwire.store import transaction

# Sort keys: the dataset key first, then enough columns to order rows that share it.
DATASET_KEYS: dict[str, tuple[str, ...]] = {
    "articles": ("article_id", "url"),
    "mentions": ("mention_id", "article_id"),
    "events": ("event_id",),
    "deletions": ("event_id", "deleted_at"),
    "quarantine": ("record_id", "reason", "url", "run_id", "payload"),
    "quality": ("run_id", "suite", "expectation"),
    "recodes": ("run_id",),
}
# The column every row of a run carries with the interval's end (the library's only clock):
# how a re-run finds its own rows inside a compacted file.
INTERVAL_COLUMNS: dict[str, str] = {"articles": "ingested_at", "mentions": "ingested_at"}
COMPACTION_MARKER = "_compaction.json"
# Compacted files: sorted so DuckDB prunes row groups on the analysts' usual filters; 1,000,000
# rows is about 60 MB of mentions, few files per day without one huge object on S3.
COMPACT_SORT = ("event_date", "country")
COMPACT_ROWS_PER_FILE = 1_000_000
HIDDEN_PREFIXES = (".", "_")
# Where the pipeline moves a file it cannot read, under its path relative to the data root:
# hidden from every dataset, kept for inspection, and named in the warning.
CORRUPT = "_corrupt"
# Writer options fixed for byte-identical output; zstd level 3 halved the size of a synthetic
# day of 100,000 mentions against snappy at about the same write time. Row groups of 64k rows
# let DuckDB skip by statistics without a footer that dominates small interval files.
WRITE_OPTIONS: dict = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "row_group_size": 65_536,
    "data_page_size": 1 << 20,
}
log = logging.getLogger(__name__)
_COMPACTED = re.compile(r"part-\d{8}T\d{4}-\d{8}T\d{4}-c[0-9a-f]{10}n\d{2}\.parquet")


class DatasetError(ValueError):
    """Rows that cannot be written to a dataset; carries the dataset and the reason."""

    def __init__(self, dataset: str, reason: str) -> None:
        super().__init__(f"{dataset}: {reason}")
        self.dataset = dataset


class CorruptFile(ValueError):
    """A Parquet file that cannot be read (truncated, not Parquet); carries its path and where
    it was moved."""

    def __init__(self, path: str, reason: str, moved_to: str) -> None:
        super().__init__(f"{path}: corrupt Parquet file ({reason}); moved to {moved_to}")
        self.path = path
        self.reason = reason
        self.moved_to = moved_to


def is_compacted(path: str) -> bool:
    """True for a file written by compaction (a whole day, not one run's interval)."""
    return _COMPACTED.fullmatch(posixpath.basename(path)) is not None


def interval_file_name(interval: Interval, part: str | None = None) -> str:
    """The file a run writes: the interval's name, with ``-<part>`` when runs share a dataset."""
    if part is None:
        return interval.file_name
    if not re.fullmatch(r"[a-z][a-z0-9]*", part):
        raise ValueError(f"file part {part!r} must be lower-case letters and digits")
    return interval.file_name.removesuffix(".parquet") + f"-{part}.parquet"


def write_interval(
    root: DataRoot,
    dataset: schema.Dataset,
    rows: pa.Table | list[dict],
    interval: Interval,
    *,
    part: str | None = None,
) -> list[str]:
    """Write one run's rows of ``dataset``; returns the URIs written (see the module docstring)."""
    name = interval_file_name(interval, part)
    tables = _split_partitions(dataset, rows, interval)
    dt_folder = root.path(dataset, f"dt={interval.dt}")
    written: list[str] = []
    for values, table in sorted(tables.items()):
        folder = posixpath.join(dt_folder, *values)
        marker = read_marker(root, folder)
        if name in marker["replaces"]:
            _reopen_compacted(root, dataset, folder, marker, name, interval, table)
        else:
            put_table(root, posixpath.join(folder, name), dataset, table)
        written.append(root.uri(posixpath.join(folder, name)))
    wanted = {posixpath.join(dt_folder, *values) for values in tables}
    for folder in _leaf_folders(root, dt_folder):
        if folder in wanted:
            continue
        marker = read_marker(root, folder)
        if name in marker["replaces"]:
            _reopen_compacted(root, dataset, folder, marker, name, interval, None)
        elif root.fs.exists(posixpath.join(folder, name)):
            root.fs.rm(posixpath.join(folder, name))
    return written


def read_dataset(
    root: DataRoot,
    dataset: schema.Dataset,
    *,
    dt: str | None = None,
    files: list[str] | None = None,
) -> pa.Table:
    """Every visible row of ``dataset`` (or of ``files``), with partition columns added.

    A corrupt file is moved aside (``CORRUPT``) with a warning and its rows are left out, so
    one bad file never stops a run; re-running its interval writes it again.
    """
    paths = list_files(root, dataset, dt=dt) if files is None else [root.path_of(f) for f in files]
    tables = []
    for path in paths:
        try:
            tables.append(read_file(root, dataset, path))
        except CorruptFile:
            continue
    if not tables:
        return empty_table(dataset)
    return pa.concat_tables(tables, promote_options="default").unify_dictionaries()


def list_files(root: DataRoot, dataset: schema.Dataset, *, dt: str | None = None) -> list[str]:
    """Paths (as the data root's filesystem names them) of the visible files, sorted.

    A committed transaction not yet applied is honoured: its copy of a file is named instead
    of the file, and the files it removes are left out (``transaction``).
    """
    view = transaction.reading(root)
    base = view.path(dataset, f"dt={dt}") if dt else view.path(dataset)
    view.fs.invalidate_cache(base)
    if not view.fs.exists(base):
        return []
    by_folder: dict[str, list[str]] = {}
    for path in view.fs.find(base):
        folder, name = posixpath.split(path)
        relative = posixpath.relpath(path, base)
        if any(piece.startswith(HIDDEN_PREFIXES) for piece in relative.split("/")[:-1]):
            continue
        by_folder.setdefault(folder, []).append(name)
    visible: list[str] = []
    for folder, names in by_folder.items():
        marker = _marker_from(view, folder, names)
        visible.extend(
            posixpath.join(folder, name)
            for name in names
            if name.endswith(".parquet")
            and not name.startswith(HIDDEN_PREFIXES)
            and name not in marker["replaces"]
            and (not is_compacted(name) or name in marker["files"])
        )
    return [transaction.located(view, path) for path in sorted(visible)]


def read_file(root: DataRoot, dataset: schema.Dataset, path: str) -> pa.Table:
    """One file conformed to the dataset's schema, with its partition columns."""
    table = conform(dataset, load(root, path))
    for column in schema.PARTITIONS[dataset]:
        value = _partition_value(path, column)
        table = table.append_column(column, pa.array([value] * table.num_rows, pa.string()))
    return table


def load(root: DataRoot, path: str, columns: list[str] | None = None) -> pa.Table:
    """A file's table as stored; a file that is not readable Parquet is moved aside and
    reported as ``CorruptFile`` (a read that fails for other reasons, such as the network,
    raises as it is: only the file's own bytes condemn it)."""
    path = root.path_of(path)
    data = root.fs.cat_file(path)
    try:
        return pq.read_table(io.BytesIO(data), columns=columns)
    except pa.ArrowInvalid as error:
        moved_to = root.path(CORRUPT, posixpath.relpath(path, root.base))
        root.fs.makedirs(posixpath.dirname(moved_to), exist_ok=True)
        root.fs.mv(path, moved_to)
        corrupt = CorruptFile(root.uri(path), str(error), root.uri(moved_to))
        log.warning("%s", corrupt)
        raise corrupt from error


def empty_table(dataset: schema.Dataset) -> pa.Table:
    table = schema.SCHEMAS[dataset].empty_table()
    for column in schema.PARTITIONS[dataset]:
        table = table.append_column(column, pa.array([], pa.string()))
    return table


def conform(dataset: schema.Dataset, table: pa.Table) -> pa.Table:
    """``table`` with exactly the schema's columns: missing ones null, ``schema_version`` set."""
    target = schema.SCHEMAS[dataset]
    columns = []
    for field in target:
        if field.name == "schema_version":
            columns.append(pa.array([schema.SCHEMA_VERSION] * table.num_rows, field.type))
        elif field.name in table.column_names:
            columns.append(table.column(field.name).cast(field.type))
        else:
            columns.append(pa.nulls(table.num_rows, field.type))
    try:
        return pa.Table.from_arrays(columns, schema=target)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
        raise DatasetError(dataset, str(error)) from error


def sort_rows(dataset: schema.Dataset, table: pa.Table, leading: Iterable[str] = ()) -> pa.Table:
    """Rows in a canonical order: ``leading`` columns, then the dataset key."""
    keys = [c for c in (*leading, *DATASET_KEYS[dataset]) if c in table.column_names]
    if not keys or table.num_rows == 0:
        return table
    sortable = pa.table({key: _plain(table.column(key)) for key in keys})
    order = pc.sort_indices(sortable, sort_keys=[(key, "ascending") for key in keys])
    return table.take(order)


def encode(dataset: schema.Dataset, table: pa.Table) -> bytes:
    """Deterministic Parquet bytes of already-sorted rows."""
    table = conform(dataset, table)
    columns = [
        pc.dictionary_encode(_plain(column)).cast(field.type)
        if pa.types.is_dictionary(field.type)
        else column.combine_chunks()
        for field, column in zip(table.schema, table.columns, strict=True)
    ]
    table = pa.Table.from_arrays(columns, schema=table.schema)
    buffer = io.BytesIO()
    pq.write_table(table, buffer, **WRITE_OPTIONS)
    return buffer.getvalue()


def put_table(root: DataRoot, path: str, dataset: schema.Dataset, table: pa.Table) -> str:
    """Write ``table`` sorted to ``path`` atomically; an empty table removes the file instead."""
    if table.num_rows == 0 and not is_compacted(path):
        if root.fs.exists(path):
            root.fs.rm(path)
        return path
    data = encode(dataset, sort_rows(dataset, conform(dataset, table)))
    return root.put_atomic(data, posixpath.relpath(path, root.base))


def read_marker(root: DataRoot, folder: str) -> dict:
    """A folder's compaction marker: the compacted ``files`` and the small files it ``replaces``."""
    path = posixpath.join(folder, COMPACTION_MARKER)
    if not root.fs.exists(path):
        return {"files": [], "replaces": []}
    return json.loads(root.fs.cat_file(path))


def write_marker(root: DataRoot, folder: str, files: list[str], replaces: list[str]) -> None:
    body = json.dumps({"files": sorted(files), "replaces": sorted(set(replaces))}, indent=1)
    root.put_atomic(body.encode(), posixpath.relpath(folder, root.base), COMPACTION_MARKER)


def compacted_names(day: str, sources: Iterable[str], count: int) -> list[str]:
    """Names for ``count`` compacted files of ``day``, derived from what they absorb."""
    stem = f"part-{day.replace('-', '')}T0000-{_next_day(day)}T0000"
    digest = hashlib.sha256("\n".join(sorted(sources)).encode()).hexdigest()[:10]
    return [f"{stem}-c{digest}n{number:02d}.parquet" for number in range(count)]


def write_compacted(
    root: DataRoot,
    dataset: schema.Dataset,
    folder: str,
    table: pa.Table,
    sources: list[str],
    rows_per_file: int,
) -> list[str]:
    """Write ``table`` (sorted) as hidden compacted files of ``folder``; returns their names."""
    day = _partition_value(folder + "/x", "dt")
    count = max(1, -(-table.num_rows // rows_per_file))
    names = compacted_names(day, sources, count)
    for number, name in enumerate(names):
        chunk = table.slice(number * rows_per_file, rows_per_file)
        root.put_atomic(encode(dataset, chunk), posixpath.relpath(folder, root.base), name)
    return names


def leaf_folders(root: DataRoot, dataset: schema.Dataset, dt: str) -> list[str]:
    return _leaf_folders(root, root.path(dataset, f"dt={dt}"))


def _reopen_compacted(
    root: DataRoot,
    dataset: schema.Dataset,
    folder: str,
    marker: dict,
    name: str,
    interval: Interval,
    table: pa.Table | None,
) -> None:
    """Swap this interval's rows inside a compacted folder in one marker commit."""
    column = INTERVAL_COLUMNS.get(dataset)
    if column is None:
        raise DatasetError(dataset, f"cannot re-run {name} of a compacted day: no interval column")
    current = [read_file(root, dataset, posixpath.join(folder, f)) for f in marker["files"]]
    rows = (
        conform(dataset, pa.concat_tables(current)) if current else conform(dataset, pa.table({}))
    )
    keep = pc.invert(
        pc.equal(rows.column(column), pa.scalar(interval.end, rows.schema.field(column).type))
    )
    rows = rows.filter(pc.fill_null(keep, True))
    replaces = [n for n in marker["replaces"] if n != name]
    rows = sort_rows(dataset, rows, COMPACT_SORT)
    files = write_compacted(root, dataset, folder, rows, replaces, COMPACT_ROWS_PER_FILE)
    if table is not None:
        put_table(root, posixpath.join(folder, name), dataset, table)
    write_marker(root, folder, files, replaces)
    for old in set(marker["files"]) - set(files):
        root.fs.rm(posixpath.join(folder, old))


def _split_partitions(
    dataset: schema.Dataset, rows: pa.Table | list[dict], interval: Interval
) -> dict[tuple[str, ...], pa.Table]:
    """The run's rows by hive folder below ``dt=``, each conformed to the schema."""
    if dataset not in schema.SCHEMAS:
        raise DatasetError(dataset, "unknown dataset")
    extra = schema.PARTITIONS[dataset][1:]
    if isinstance(rows, pa.Table):
        rows = rows.to_pylist() if extra else rows
    if isinstance(rows, pa.Table):
        return {(): conform(dataset, rows)} if rows.num_rows else {}
    groups: dict[tuple[str, ...], list[dict]] = {}
    for row in rows:
        values = []
        for column in extra:
            if not row.get(column):
                raise DatasetError(dataset, f"row {row.get('record_id')!r} has no {column!r}")
            values.append(f"{column}={row[column]}")
        groups.setdefault(tuple(values), []).append(row)
    target = schema.SCHEMAS[dataset]
    tables = {}
    for key, group in groups.items():
        try:
            table = pa.Table.from_pylist(group, schema=target.remove(0))
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            raise DatasetError(dataset, str(error)) from error
        tables[key] = conform(dataset, table)
    return tables


def _marker_from(root: DataRoot, folder: str, names: list[str]) -> dict:
    if COMPACTION_MARKER in names:
        return read_marker(root, folder)
    return {"files": [], "replaces": []}


def _leaf_folders(root: DataRoot, dt_folder: str) -> list[str]:
    root.fs.invalidate_cache(dt_folder)
    if not root.fs.exists(dt_folder):
        return []
    folders = {posixpath.dirname(path) for path in root.fs.find(dt_folder)}
    return sorted(
        f
        for f in folders
        if f == dt_folder
        or not any(
            p.startswith(HIDDEN_PREFIXES) for p in posixpath.relpath(f, dt_folder).split("/")
        )
    )


def _partition_value(path: str, column: str) -> str:
    for piece in path.split("/")[:-1]:
        if piece.startswith(f"{column}="):
            return piece.split("=", 1)[1]
    raise DatasetError(column, f"{path} has no {column}= folder")


def _plain(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    if pa.types.is_dictionary(column.type):
        return column.cast(column.type.value_type)
    return column


def _next_day(day: str) -> str:
    return (datetime.strptime(day, "%Y-%m-%d") + timedelta(days=1)).strftime("%Y%m%d")
