"""The data dictionary: every column of every dataset, rendered from ``schema.py``'s metadata.

``docs/DATA.md`` is this module's output for all datasets and ``eventwire schema [DATASET]``
prints it; a test compares the two, so the documentation changes with the schema or the build
fails. Nothing here describes a column: descriptions live on the fields themselves.
"""

from __future__ import annotations

import pyarrow as pa

from eventwire.schema import (
    DERIVED,
    DESCRIPTION,
    PARTITION_FIELDS,
    PARTITIONS,
    SCHEMA_VERSION,
    SCHEMAS,
    VALUES,
    Dataset,
    is_dataset,
)

# What one row is, per dataset: the one fact about a dataset that is not a column's.
ROW_MEANING = {
    "articles": "cleaned article",
    "mentions": "event found in one sentence of one article",
    "events": "real-world event, merged from its mentions across articles",
    "deletions": "event that was removed, and why",
    "quarantine": "rejected feed entry, article or record, with its reason and raw payload",
    "quality": "Great Expectations check of one suite in one run",
    "recodes": "day re-coded by one recode run: what changed, in numbers",
}
HEADER = f"""# eventwire data dictionary

Generated from `include/eventwire/schema.py` (schema version {SCHEMA_VERSION}) by
`eventwire schema > docs/DATA.md`; do not edit by hand. Every dataset is hive-partitioned
Parquet under the data root (`<dataset>/dt=YYYY-MM-DD/…`); partition columns are read from the
path and appear in the DuckDB views and `pd.read_parquet` like the others. Null means "not
known" everywhere, never zero.
"""


def render(datasets: list[str] | None = None) -> str:
    """Markdown for ``datasets`` (all when None): the header, then one table per dataset."""
    names = datasets or list(SCHEMAS)
    known = [name for name in names if is_dataset(name)]
    unknown = sorted(set(names) - set(known))
    if unknown:
        raise KeyError(f"no dataset {', '.join(unknown)}; choose from {', '.join(SCHEMAS)}")
    sections = [HEADER] + [_section(name) for name in known]
    return "\n".join(sections)


def _section(dataset: Dataset) -> str:
    fields = [*SCHEMAS[dataset], *(PARTITION_FIELDS[name] for name in PARTITIONS[dataset])]
    partitions = ", ".join(f"`{name}`" for name in PARTITIONS[dataset])
    lines = [
        f"## `{dataset}`",
        "",
        f"One row per {ROW_MEANING[dataset]}. Partitioned by {partitions}.",
        "",
        "| column | type | meaning | values | how it is made |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [_row(field, field.name in PARTITIONS[dataset]) for field in fields]
    return "\n".join(lines) + "\n"


def _row(field: pa.Field, partition: bool) -> str:
    metadata = {key.decode(): value.decode() for key, value in (field.metadata or {}).items()}
    kind = _type_name(field.type) + ("" if field.nullable else ", required")
    if partition:
        kind += ", partition"
    cells = [
        f"`{field.name}`",
        kind,
        metadata[DESCRIPTION],
        metadata.get(VALUES, ""),
        metadata.get(DERIVED, ""),
    ]
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"


def _type_name(type_: pa.DataType) -> str:
    """The type as an analyst meets it: dictionary-encoded strings are strings."""
    if pa.types.is_dictionary(type_):
        return "string (dictionary-encoded)"
    if pa.types.is_timestamp(type_):
        return f"timestamp ({type_.tz})" if type_.tz else "timestamp"
    return str(type_)
