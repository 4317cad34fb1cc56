"""Exports (``eventwire export``): the current events (or mentions) as CSV, GeoJSON or Parquet.

The filters are the README's: current rows only (deleted events left out), ``event_date`` in
``--since``..``--until`` (both inclusive), optionally one country and one PLOVER type, and
``--reported-only`` for ``date_flag = 'reported'`` without negated mentions. GeoJSON holds one
Point per row that has coordinates, with the fields an analyst needs to read the event without
a join; rows without coordinates are counted and left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from eventwire.fs import DataRoot
from eventwire.schema import Dataset

DATASETS = ("events", "mentions")
FORMATS = ("csv", "geojson", "parquet")
# The properties of a GeoJSON feature: identity, what, who, where, when, how many, provenance.
GEOJSON_PROPERTIES = (
    "event_id", "mention_id", "event_date", "date_precision", "date_flag", "plover_type",
    "plover_mode", "cameo_code", "quad_class", "acled_event_type", "acled_sub_event_type",
    "actor_text", "actor_code", "recipient_text", "recipient_code", "location_name",
    "country", "admin1", "geo_precision", "fatalities", "injured", "negated", "confidence",
    "source_name", "url", "sentence_text",
)  # fmt: skip
EVENTS_ONLY_PROPERTIES = ("num_mentions", "num_sources")


@dataclass(frozen=True)
class ExportFilter:
    """Which rows to export; ``None`` means no bound."""

    dataset: Dataset = "events"
    since: date | None = None
    until: date | None = None
    country: str | None = None
    plover_type: str | None = None
    reported_only: bool = False


@dataclass(frozen=True)
class Exported:
    path: Path
    rows: int
    without_coordinates: int = 0


def export(root: DataRoot, where: ExportFilter, fmt: str, out: Path) -> Exported:
    """Write the rows ``where`` selects to ``out`` in ``fmt``."""
    from eventwire.store.views import connect

    out.parent.mkdir(parents=True, exist_ok=True)
    connection = connect(root)
    try:
        sql, params = _select(where)
        relation = connection.sql(sql, params=params)
        if fmt == "geojson":
            return _write_geojson(out, relation.columns, relation.fetchall(), where.dataset)
        table = relation.to_arrow_table()
    finally:
        connection.close()
    if fmt == "csv":
        import pyarrow.csv as pacsv

        pacsv.write_csv(table, out)
    else:
        import pyarrow.parquet as pq

        pq.write_table(table, out)
    return Exported(out, table.num_rows)


def _select(where: ExportFilter) -> tuple[str, dict]:
    """The selection as SQL and its parameters, newest event date first."""
    deleted = "event_id NOT IN (SELECT event_id FROM deletions)"
    sql = f"""
        SELECT * FROM {where.dataset}
        WHERE {deleted if where.dataset == "events" else "true"}
          AND (CAST($since AS DATE) IS NULL OR event_date >= $since)
          AND (CAST($until AS DATE) IS NULL OR event_date <= $until)
          AND (CAST($country AS VARCHAR) IS NULL OR CAST(country AS VARCHAR) = $country)
          AND (CAST($type AS VARCHAR) IS NULL OR CAST(plover_type AS VARCHAR) = $type)
          AND NOT ($reported AND (coalesce(negated, false)
                   OR coalesce(CAST(date_flag AS VARCHAR), 'reported') <> 'reported'))
        ORDER BY event_date DESC NULLS LAST, event_id, mention_id
    """
    params = {
        "since": where.since,
        "until": where.until,
        "country": where.country,
        "type": where.plover_type,
        "reported": where.reported_only,
    }
    return sql, params


def _write_geojson(out: Path, names: list[str], rows: list[tuple], dataset: Dataset) -> Exported:
    keys = GEOJSON_PROPERTIES + (EVENTS_ONLY_PROPERTIES if dataset == "events" else ())
    features = []
    for values in rows:
        row = dict(zip(names, values, strict=True))
        if row["lat"] is None or row["lon"] is None:
            continue
        features.append(
            {
                "type": "Feature",
                "id": row["event_id"] if dataset == "events" else row["mention_id"],
                "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},
                "properties": {key: _jsonable(row[key]) for key in keys},
            }
        )
    with out.open("w", encoding="utf-8") as handle:
        json.dump({"type": "FeatureCollection", "features": features}, handle)
    return Exported(out, len(features), len(rows) - len(features))


def _jsonable(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    return value
