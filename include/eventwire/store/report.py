"""``eventwire report``: three PNG plots of the current events and a page that shows them.

"Current" means the events dataset minus ``deletions``. The map is a plain longitude/latitude
scatter: country outlines would need a shapefile that no offline dependency of the project
ships, and a scatter on a fixed world frame already shows where the events cluster.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from eventwire.fs import DataRoot

# Figure sizes at DPI 100 fit a laptop screen side by side on the page; the top-N cut keeps a
# country bar chart readable when a month of data names 60+ countries.
FIGURE_SIZE = (10, 5)
DPI = 100
TOP_COUNTRIES = 25
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
    total = connection.execute(f"{current} SELECT count(*) FROM current", [since]).fetchone()[0]
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
    types = sorted({row[1] for row in rows})
    counts = {(row[0], row[1]): row[2] for row in rows}
    figure, axes = plt.subplots(figsize=FIGURE_SIZE)
    bottom = [0] * len(days)
    for plover_type in types:
        heights = [counts.get((day, plover_type), 0) for day in days]
        axes.bar(days, heights, bottom=bottom, label=plover_type)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    axes.set(title=PLOTS[path.name], xlabel="event date", ylabel="events")
    if types:
        axes.legend(fontsize="small", ncol=2)
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
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=FIGURE_SIZE)
    axes.scatter(
        [row[0] for row in rows],
        [row[1] for row in rows],
        s=[12 + 3 * min(row[2], 100) for row in rows],
        alpha=0.5,
        edgecolors="black",
        linewidths=0.3,
    )
    axes.set(
        title=PLOTS[path.name], xlabel="longitude", ylabel="latitude", xlim=(-180, 180),
        ylim=(-90, 90), aspect="equal",
    )  # fmt: skip
    axes.grid(alpha=0.3)
    if not rows:
        _no_data(axes)
    return _save(figure, path)


def _no_data(axes) -> None:
    axes.text(0.5, 0.5, "no events", transform=axes.transAxes, ha="center", va="center")


def _save(figure, path: Path) -> Path:
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
</body></html>
"""
