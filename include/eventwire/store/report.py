"""``eventwire report``: three PNG plots of the current events and a page that shows them.

"Current" means the events dataset minus ``deletions``. The map draws Natural Earth's country
outlines (bundled, see ``worldmap.py``) under the events, each a circle whose area grows with its
fatalities, coloured by PLOVER type with the same colours as the daily plot (``palette.py``).
It zooms to where the events are, so a week in one region is not a speck on a world map.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from eventwire.fs import DataRoot
from eventwire.store.palette import TYPE_COLOURS
from eventwire.store.worldmap import all_rings

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# Figure sizes at DPI 100 fit a laptop screen side by side on the page; the top-N cut keeps a
# country bar chart readable when a month of data names 60+ countries.
FIGURE_SIZE = (10, 5)
DPI = 100
TOP_COUNTRIES = 25
# Map circles: area in points² = base + per death, capped so one massacre does not hide a region;
# the map frame is the events' extent plus a margin, never narrower than a region, in the
# axes' proportions.
MARKER_BASE = 12
MARKER_PER_DEATH = 6
MARKER_CAP_DEATHS = 200
MAP_MARGIN_DEG = 4.0
MAP_MIN_SPAN_DEG = 30.0
MAP_ASPECT = 1.8  # width / height of the map's axes at FIGURE_SIZE with the legend outside
LAND_COLOUR = "#f1efe9"
SEA_COLOUR = "#dce9f5"
BORDER_COLOUR = "#8a8a8a"
PLOTS = {
    "events_by_type.png": "Daily events by PLOVER type",
    "fatalities_by_country.png": "Fatalities by country",
    "event_map.png": "Event locations",
}

_CURRENT_EVENTS = """
    SELECT * FROM events
    WHERE event_date >= ? AND event_id NOT IN (SELECT event_id FROM deletions)
"""


@dataclass(frozen=True)
class Report:
    page: Path
    plots: list[Path]
    events: int


def write_report(root: DataRoot, since: date, out: Path) -> Report:
    import matplotlib

    matplotlib.use("Agg")
    from eventwire.store.views import connect

    out.mkdir(parents=True, exist_ok=True)
    connection = connect(root)
    current = f"WITH current AS ({_CURRENT_EVENTS})"
    by_type = connection.execute(
        f"""{current} SELECT event_date, CAST(plover_type AS VARCHAR) AS plover_type, count(*)
        FROM current WHERE plover_type IS NOT NULL GROUP BY ALL ORDER BY 1, 2""",
        [since],
    ).fetchall()
    by_country = connection.execute(
        f"""{current} SELECT CAST(country AS VARCHAR), sum(fatalities) AS n FROM current
        WHERE fatalities IS NOT NULL AND country IS NOT NULL GROUP BY ALL
        ORDER BY n DESC, 1 LIMIT {TOP_COUNTRIES}""",
        [since],
    ).fetchall()
    places = connection.execute(
        f"""{current} SELECT lon, lat, coalesce(fatalities, 0), CAST(plover_type AS VARCHAR)
        FROM current WHERE lat IS NOT NULL AND lon IS NOT NULL ORDER BY event_id""",
        [since],
    ).fetchall()
    counted = connection.execute(f"{current} SELECT count(*) FROM current", [since]).fetchone()
    assert counted is not None  # count(*) is one row
    total = counted[0]
    connection.close()
    plots = [
        _plot_by_type(by_type, out / "events_by_type.png"),
        _plot_by_country(by_country, out / "fatalities_by_country.png"),
        _plot_map(places, out / "event_map.png"),
    ]
    page = out / "index.html"
    page.write_text(_page(since, total, len(places)), encoding="utf-8")
    return Report(page, plots, total)


def _plot_by_type(rows: list[tuple], path: Path) -> Path:
    import matplotlib.pyplot as plt

    days = sorted({row[0] for row in rows})
    present = {row[1] for row in rows}
    types = [name for name in TYPE_COLOURS if name in present]  # cooperation to conflict
    counts = {(row[0], row[1]): row[2] for row in rows}
    figure, axes = plt.subplots(figsize=FIGURE_SIZE)
    bottom = [0] * len(days)
    for plover_type in types:
        heights = [counts.get((day, plover_type), 0) for day in days]
        axes.bar(days, heights, bottom=bottom, label=plover_type, color=TYPE_COLOURS[plover_type])
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set(title=PLOTS[path.name], xlabel="event date", ylabel="events")
    if types:
        axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    else:
        _no_data(axes)
    figure.autofmt_xdate()
    return _save(figure, path)


def _plot_by_country(rows: list[tuple], path: Path) -> Path:
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=FIGURE_SIZE)
    countries = [row[0] for row in reversed(rows)]
    axes.barh(countries, [row[1] for row in reversed(rows)], color="firebrick")
    axes.set(title=PLOTS[path.name], xlabel="fatalities (lowest stated figure per event)")
    if not rows:
        _no_data(axes)
    return _save(figure, path)


def _plot_map(rows: list[tuple], path: Path) -> Path:
    """Rows are (lon, lat, fatalities, plover_type)."""
    import matplotlib.pyplot as plt
    from matplotlib.collections import PolyCollection

    figure, axes = plt.subplots(figsize=FIGURE_SIZE)
    axes.set_facecolor(SEA_COLOUR)
    axes.add_collection(
        PolyCollection(
            all_rings(), facecolors=LAND_COLOUR, edgecolors=BORDER_COLOUR, linewidths=0.5,
            zorder=1,
        )
    )  # fmt: skip
    largest_first = sorted(rows, key=lambda row: -row[2])  # small circles stay on top
    axes.scatter(
        [row[0] for row in largest_first],
        [row[1] for row in largest_first],
        s=[_marker_area(row[2]) for row in largest_first],
        c=[TYPE_COLOURS.get(row[3], "black") for row in largest_first],
        alpha=0.75,
        edgecolors="black",
        linewidths=0.4,
        zorder=2,
    )
    (west, east), (south, north) = _extent(rows)
    axes.set(
        title=PLOTS[path.name], xlabel="longitude", ylabel="latitude", xlim=(west, east),
        ylim=(south, north), aspect="equal",
    )  # fmt: skip
    present = {row[3] for row in rows}
    _map_legends(axes, [name for name in TYPE_COLOURS if name in present])
    if not rows:
        _no_data(axes)
    return _save(figure, path)


def _marker_area(fatalities: int) -> float:
    return MARKER_BASE + MARKER_PER_DEATH * min(fatalities, MARKER_CAP_DEATHS)


def _extent(rows: list[tuple]) -> tuple[tuple[float, float], tuple[float, float]]:
    """The events' bounding box plus a margin, at least ``MAP_MIN_SPAN_DEG`` across and widened
    to the axes' shape (``MAP_ASPECT``), so a spread-out week is not a thin strip; the world
    when there are none. The UI page's map frames its places the same way."""
    if not rows:
        return (-180.0, 180.0), (-90.0, 90.0)
    centres, spans = [], []
    for values in ([row[0] for row in rows], [row[1] for row in rows]):
        centres.append((min(values) + max(values)) / 2)
        spans.append(max(max(values) - min(values) + 2 * MAP_MARGIN_DEG, MAP_MIN_SPAN_DEG))
    width = min(360.0, max(spans[0], spans[1] * MAP_ASPECT))
    height = min(180.0, width / MAP_ASPECT)
    west = min(180.0 - width, max(-180.0, centres[0] - width / 2))
    south = min(90.0 - height, max(-90.0, centres[1] - height / 2))
    return (west, west + width), (south, south + height)


def _map_legends(axes: Axes, types: list[str]) -> None:
    """Two legends: circle size for fatalities, colour for the PLOVER type."""
    from matplotlib.lines import Line2D

    sizes = [
        axes.scatter([], [], s=_marker_area(n), color="white", edgecolors="black", label=f"{n}")
        for n in (0, 10, 50)
    ]
    size_legend = axes.legend(
        handles=sizes, title="killed", loc="lower left", fontsize="small", labelspacing=1.2
    )
    axes.add_artist(size_legend)
    colours = [
        Line2D([], [], marker="o", linestyle="", color=TYPE_COLOURS[name], label=name)
        for name in types
    ]
    if colours:
        axes.legend(handles=colours, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))


def _no_data(axes: Axes) -> None:
    axes.text(0.5, 0.5, "no events", transform=axes.transAxes, ha="center", va="center")


def _save(figure: Figure, path: Path) -> Path:
    import matplotlib.pyplot as plt

    figure.tight_layout()
    figure.savefig(path, dpi=DPI, metadata={"Software": None})
    plt.close(figure)
    return path


def _page(since: date, total: int, located: int) -> str:
    images = "\n".join(
        f'<figure><img src="{name}" alt="{html.escape(title)}">'
        f"<figcaption>{html.escape(title)}</figcaption></figure>"
        for name, title in PLOTS.items()
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>eventwire report since {since}</title>
<style>body{{font-family:sans-serif;max-width:1040px;margin:2em auto}}img{{max-width:100%}}</style>
</head><body>
<h1>eventwire report</h1>
<p>{total} current events dated {since} or later ({located} with coordinates); deleted events
are left out, fatalities are the lowest figure any source stated.</p>
{images}
<p><small>Country outlines: Natural Earth 1:110m (public domain), as packaged by world-atlas.
Circle area grows with the people killed (capped at {MARKER_CAP_DEATHS}).</small></p>
</body></html>
"""
