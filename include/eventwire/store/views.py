"""DuckDB views over the data root: ``articles``, ``mentions``, ``events``, ``quarantine``,
``quality``, ``deletions`` and ``recodes``.

Each view reads the explicit list of visible files (``parquet.list_files``) rather than a glob,
so temporary files and files hidden by a compaction marker never reach a query, and the view is
a consistent snapshot of the moment it was opened. On S3 the data root's fsspec filesystem is
registered with DuckDB: its own ``httpfs`` extension would have to be downloaded, which locked-
down servers (and this one) cannot do. A dataset without files is an empty view with the
schema's columns, so queries written for a full store run on a new one.

A file DuckDB cannot open (truncated, not Parquet) would fail the view, and since views are
created when connecting, every query. When creating a view fails, each of its files' footers
is read to find the corrupt ones, which are left out with a warning naming their path; the
view holds the other files. Queries never move or delete files (a reader may be read-only);
the pipeline moves corrupt files aside when it meets them (``parquet.load``).
"""

from __future__ import annotations

import logging

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from eventwire import schema
from eventwire.fs import DataRoot
from eventwire.store import parquet

VIEWS: tuple[schema.Dataset, ...] = (
    "articles",
    "mentions",
    "events",
    "quarantine",
    "quality",
    "deletions",
    "recodes",
)
log = logging.getLogger(__name__)
_HIVE_TYPES = {"dt": "DATE", "stage": "VARCHAR"}
_SQL_TYPES = {
    pa.string(): "VARCHAR",
    pa.bool_(): "BOOLEAN",
    pa.int8(): "TINYINT",
    pa.int16(): "SMALLINT",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float32(): "FLOAT",
    pa.float64(): "DOUBLE",
    pa.date32(): "DATE",
}


def connect(root: DataRoot) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    if root.is_remote:
        connection.register_filesystem(root.fs)
    for name in VIEWS:
        files = parquet.list_files(root, name)
        try:
            _create_view(connection, root, name, files)
        except duckdb.Error:
            readable = [path for path in files if not _is_corrupt(root, path)]
            if len(readable) == len(files):
                raise
            _create_view(connection, root, name, readable)
    return connection


def _create_view(
    connection: duckdb.DuckDBPyConnection, root: DataRoot, name: schema.Dataset, files: list[str]
) -> None:
    if not files:
        connection.execute(f"CREATE VIEW {name} AS {_empty_select(name)}")
        return
    uris = [root.uri(path) for path in files]
    hive = ", ".join(f"'{c}': '{_HIVE_TYPES[c]}'" for c in schema.PARTITIONS[name])
    connection.execute(
        f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM read_parquet({_sql_list(uris)}, "
        f"hive_partitioning = true, union_by_name = true, hive_types = {{{hive}}})"
    )


def _is_corrupt(root: DataRoot, path: str) -> bool:
    """True (with a warning naming the file) when ``path``'s Parquet footer is unreadable."""
    try:
        with root.fs.open(path, "rb") as handle:
            pq.read_metadata(handle)
    except pa.ArrowInvalid as error:
        log.warning("skipping corrupt Parquet file %s: %s", root.uri(path), error)
        return True
    return False


def _empty_select(dataset: schema.Dataset) -> str:
    """A typed, row-less SELECT (SQL only: registering an Arrow table would import pandas)."""
    columns = [
        f"CAST(NULL AS {_sql_type(field.type)}) AS {field.name}"
        for field in schema.SCHEMAS[dataset]
    ]
    columns += [f"CAST(NULL AS {_HIVE_TYPES[c]}) AS {c}" for c in schema.PARTITIONS[dataset]]
    return "SELECT " + ", ".join(columns) + " WHERE false"


def _sql_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMPTZ" if arrow_type.tz else "TIMESTAMP"
    return _SQL_TYPES[arrow_type]


def _sql_list(paths: list[str]) -> str:
    return "[" + ", ".join("'" + path.replace("'", "''") + "'" for path in paths) + "]"
