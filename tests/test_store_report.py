"""Analytics: DuckDB views, ``eventwire query``/``report``/``summary``, and the plots."""

from __future__ import annotations

import argparse
import itertools
import json
from datetime import date
from pathlib import Path

import pytest
from factories import run, synthetic_mentions

from eventwire import schema
from eventwire.fs import DataRoot
from eventwire.store import commands, manifest, merge, parquet, views
from eventwire.store.report import PLOTS, write_report

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
RUNS = [run(hour=9), run(hour=10)]


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> DataRoot:
    root = DataRoot(str(tmp_path_factory.mktemp("report") / "data"))
    for number, window in enumerate(RUNS):
        result = merge.merge_mentions(root, synthetic_mentions(400, window, number), window)
        files = parquet.write_interval(root, "mentions", result.mentions, window)
        manifest.write_manifest(
            root,
            "events",
            window,
            {"mentions": result.mentions.num_rows, "files": files + result.files},
        )
        manifest.write_manifest(
            root,
            "ingest",
            window,
            {"feeds": 4, "articles": 100, "outcomes": {"entries": 120, "duplicate_url": 3}},
        )
    return root


def _cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="eventwire")
    commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


def test_views_of_an_empty_root_have_the_schema_columns(tmp_path):
    connection = views.connect(DataRoot(str(tmp_path / "empty")))
    for name in views.VIEWS:
        columns = [row[0] for row in connection.execute(f"DESCRIBE {name}").fetchall()]
        assert columns == [*schema.SCHEMAS[name].names, *schema.PARTITIONS[name]]
        assert connection.execute(f"SELECT count(*) FROM {name}").fetchone() == (0,)


def test_plots_are_valid_non_empty_pngs(root, tmp_path):
    import matplotlib.image

    report = write_report(root, date(2017, 10, 1), tmp_path / "report")
    assert report.events > 0
    assert [plot.name for plot in report.plots] == list(PLOTS)
    for plot in report.plots:
        assert plot.read_bytes().startswith(PNG_SIGNATURE)
        pixels = matplotlib.image.imread(plot)
        assert pixels.shape[0] > 100 and pixels.shape[1] > 100
        assert pixels.std() > 0.01, f"{plot.name} is blank"
    page = report.page.read_text()
    assert all(f'src="{name}"' in page for name in PLOTS)


def test_report_of_no_events_still_writes_its_plots(tmp_path):
    report = write_report(DataRoot(str(tmp_path / "empty")), date(2017, 1, 1), tmp_path / "out")
    assert report.events == 0
    assert all(plot.read_bytes().startswith(PNG_SIGNATURE) for plot in report.plots)


def test_query_prints_a_table_csv_and_json(root, capsys):
    sql = "SELECT CAST(country AS VARCHAR) AS country, count(*) AS n FROM mentions GROUP BY 1"
    expected = {}
    for row in parquet.read_dataset(root, "mentions").select(["country"]).to_pylist():
        expected[row["country"]] = expected.get(row["country"], 0) + 1
    assert _cli(["query", sql + " ORDER BY 1", "--data-root", root.url, "--format", "json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert {json.loads(line)["country"]: json.loads(line)["n"] for line in lines} == expected
    assert _cli(["query", sql, "--data-root", root.url, "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "country,n"
    assert _cli(["query", sql, "--data-root", root.url]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split() == ["country", "n"] and table[-1] == f"({len(expected)} rows)"


def test_query_with_bad_sql_fails_with_one_line(root, capsys):
    assert _cli(["query", "SELECT nope FROM events", "--data-root", root.url]) == 2
    error = capsys.readouterr().err
    assert error.startswith("eventwire query:") and "nope" in error


def test_summary_reports_runs_events_and_files(root, capsys):
    assert _cli(["summary", "--data-root", root.url]) == 0
    out = capsys.readouterr().out
    assert "feeds read: 8" in out and "feed entries: 240" in out
    assert "duplicates dropped: 6" in out and "mentions coded: 800" in out
    events = parquet.read_dataset(root, "events")
    top = max(set(events["plover_type"].to_pylist()), key=events["plover_type"].to_pylist().count)
    assert f"{top} " in out.split("events by PLOVER type:")[1].splitlines()[0]
    assert parquet.list_files(root, "mentions")[-1] in out


def test_report_command_writes_the_page(root, tmp_path, capsys):
    out = tmp_path / "cli-report"
    assert (
        _cli(["report", "--since", "2017-10-01", "--out", str(out), "--data-root", root.url]) == 0
    )
    assert (out / "index.html").exists() and str(out / "index.html") in capsys.readouterr().out
    assert sorted(p.name for p in out.glob("*.png")) == sorted(PLOTS)


def test_views_ignore_temporary_files(root):
    connection = views.connect(root)
    count = connection.execute("SELECT count(*) FROM mentions").fetchone()[0]
    assert count == sum(parquet.read_file(root, "mentions", p).num_rows for p in
                        parquet.list_files(root, "mentions"))  # fmt: skip
    stray = Path(root.path("mentions", "dt=2017-11-02", ".part-0900-0915.parquet.x.tmp"))
    stray.write_bytes(b"partial")
    assert views.connect(root).execute("SELECT count(*) FROM mentions").fetchone()[0] == count
    stray.unlink()


def _pixels_of(path: Path, colour: str):
    """Mask of the PNG's pixels within 2/255 of ``colour`` (``#rrggbb``)."""
    import matplotlib.image
    import numpy as np

    rgb = matplotlib.image.imread(path)[..., :3]
    wanted = np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return (np.abs(rgb - wanted) <= 2 / 255).all(axis=-1)


def test_daily_plot_gives_every_plover_type_its_own_colour(root, tmp_path):
    from eventwire.store.palette import TYPE_COLOURS

    assert list(TYPE_COLOURS) == list(schema.PLOVER_TYPES)
    assert len(set(TYPE_COLOURS.values())) == len(schema.PLOVER_TYPES)
    types = set(parquet.read_dataset(root, "events")["plover_type"].to_pylist())
    assert len(types) == len(schema.PLOVER_TYPES), "the fixture should use all 16 types"
    report = write_report(root, date(2017, 10, 1), tmp_path / "report")
    for plover_type, colour in TYPE_COLOURS.items():
        assert _pixels_of(report.plots[0], colour).sum() > 50, plover_type


def test_country_outlines_are_decoded_from_the_bundled_natural_earth_file():
    from matplotlib.path import Path as Polygon

    from eventwire.store.worldmap import all_rings, country_rings

    countries = country_rings()
    assert len(countries) == 177
    baghdad, aden = (44.36, 33.31), (45.03, 12.79)
    assert any(Polygon(ring).contains_point(baghdad) for ring in countries["Iraq"])
    assert not any(Polygon(ring).contains_point(aden) for ring in countries["Iraq"])
    assert any(Polygon(ring).contains_point(aden) for ring in countries["Yemen"])
    # Fiji straddles the antimeridian: its wrapped ring is drawn on both edges of the map.
    fiji = [lon for ring in countries["Fiji"] for lon, _ in ring]
    assert min(fiji) < -179 and max(fiji) > 179
    steps = [abs(a[0] - b[0]) for ring in all_rings() for a, b in itertools.pairwise(ring)]
    assert max(steps) < 180, "a ring still jumps across the map"


def test_map_draws_land_borders_and_events_sized_by_fatalities(root, tmp_path):
    from eventwire.store import report as report_module

    report = write_report(root, date(2017, 10, 1), tmp_path / "report")
    event_map = report.plots[2]
    land = _pixels_of(event_map, report_module.LAND_COLOUR).sum()
    sea = _pixels_of(event_map, report_module.SEA_COLOUR).sum()
    assert land > 20_000 and sea > 5_000, "no coastlines on the map"
    areas = [report_module._marker_area(n) for n in (0, 1, 10, 100)]
    assert areas == sorted(set(areas)), "circles do not grow with fatalities"
    cap = report_module.MARKER_CAP_DEATHS
    assert report_module._marker_area(10 * cap) == report_module._marker_area(cap)
