"""``eventwire export``: the README's filters, and files a GIS or spreadsheet opens as they are."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime

import pyarrow.parquet as pq
import pytest
from factories import write_dataset

from eventwire import cli
from eventwire.fs import DataRoot
from eventwire.store.export import GEOJSON_PROPERTIES, ExportFilter, export

UPDATED = datetime(2017, 11, 2, 9, 15, tzinfo=UTC)


def _event(event_id: str, day: int, **fields) -> dict:
    return {
        "event_id": event_id,
        "mention_id": f"m-{event_id}",
        "article_id": f"a-{event_id}",
        "event_date": date(2017, 10, day),
        "updated_at": UPDATED,
        "plover_type": "ASSAULT",
        "country": "IRQ",
        "date_flag": "reported",
        "negated": False,
        **fields,
    }


EVENTS = [
    _event("ev-qaim", 31, lat=34.37, lon=41.09, location_name="Al Qa'im", fatalities=13,
           actor_text="Iraqi forces", recipient_text="Islamic State", num_mentions=2,
           num_sources=2, sentence_text="Iraqi forces killed 13 militants near Qaim."),
    _event("ev-aden", 30, country="YEM", lat=12.78, lon=45.04, fatalities=26),
    _event("ev-nowhere", 29, fatalities=1),  # no coordinates
    _event("ev-history", 28, lat=33.3, lon=44.4, date_flag="historical"),
    _event("ev-protest", 20, plover_type="PROTEST", lat=33.3, lon=44.4),
    _event("ev-gone", 30, lat=36.3, lon=43.1),
]  # fmt: skip


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> DataRoot:
    folder = tmp_path_factory.mktemp("export") / "data"
    write_dataset(folder, "events", EVENTS, "part-0900-0915.parquet", dt="2017-11-02")
    deleted = [{"event_id": "ev-gone", "deleted_at": UPDATED, "reason": "merged"}]
    write_dataset(folder, "deletions", deleted, "part-0900-0915.parquet", dt="2017-11-02")
    return DataRoot(str(folder))


def _ids(path) -> list[str]:
    return [row["event_id"] for row in pq.read_table(path).to_pylist()]


def test_parquet_has_current_events_newest_first_with_every_column(root, tmp_path):
    result = export(root, ExportFilter(), "parquet", tmp_path / "all.parquet")
    assert result.rows == 5
    assert _ids(result.path) == ["ev-qaim", "ev-aden", "ev-nowhere", "ev-history", "ev-protest"]
    assert {"fatalities", "sentence_text", "num_sources", "dt"} <= set(
        pq.read_schema(result.path).names
    )


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (ExportFilter(since=date(2017, 10, 29)), ["ev-qaim", "ev-aden", "ev-nowhere"]),
        (ExportFilter(until=date(2017, 10, 28)), ["ev-history", "ev-protest"]),
        (ExportFilter(country="YEM"), ["ev-aden"]),
        (ExportFilter(plover_type="PROTEST"), ["ev-protest"]),
        (
            ExportFilter(reported_only=True, plover_type="ASSAULT"),
            ["ev-qaim", "ev-aden", "ev-nowhere"],
        ),
    ],
)
def test_filters_are_the_readmes(root, tmp_path, where, expected):
    assert _ids(export(root, where, "parquet", tmp_path / "out.parquet").path) == expected


def test_geojson_points_carry_the_events_key_fields(root, tmp_path):
    result = export(root, ExportFilter(), "geojson", tmp_path / "events.geojson")
    assert (result.rows, result.without_coordinates) == (4, 1)
    collection = json.loads(result.path.read_text())
    assert collection["type"] == "FeatureCollection"
    qaim = collection["features"][0]
    assert qaim["id"] == "ev-qaim"
    assert qaim["geometry"] == {"type": "Point", "coordinates": [41.09, 34.37]}
    properties = qaim["properties"]
    assert set(GEOJSON_PROPERTIES) <= set(properties)
    assert properties["event_date"] == "2017-10-31" and properties["fatalities"] == 13
    assert properties["actor_text"] == "Iraqi forces" and properties["num_sources"] == 2
    assert properties["sentence_text"].startswith("Iraqi forces killed 13")


def test_cli_writes_csv_with_a_header(root, tmp_path, capsys):
    out = tmp_path / "nested" / "events.csv"
    argv = ["export", "--dataset", "events", "--since", "2017-10-30", "--until", "2017-10-31",
            "--format", "csv", "--out", str(out), "--data-root", root.url]  # fmt: skip
    assert cli.main(argv) == 0
    assert capsys.readouterr().out.strip() == f"wrote 2 rows to {out}"
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [row["event_id"] for row in rows] == ["ev-qaim", "ev-aden"]
    assert rows[0]["location_name"] == "Al Qa'im" and rows[0]["fatalities"] == "13"


def test_cli_geojson_says_how_many_had_no_coordinates(root, tmp_path, capsys):
    out = tmp_path / "events.geojson"
    argv = ["export", "--format", "geojson", "--out", str(out), "--data-root", root.url]
    assert cli.main(argv) == 0
    assert "(1 without coordinates left out)" in capsys.readouterr().out
