"""One fixed colour per PLOVER type, shared by the report's plots and the UI page.

A type keeps its colour across figures, pages and runs, so a reader who learnt that ASSAULT is
red does not have to read the legend again.
"""

from __future__ import annotations

from eventwire.schema import PLOVER_TYPES

# Sixteen distinguishable colours (matplotlib's tab20 without four of its light shades), one per
# PLOVER type in the schema's order: cooperation in blues and greens, conflict in oranges, reds
# and greys. Matplotlib's default cycle has ten colours, so a 16-type plot repeated six of them.
TYPE_COLOURS: dict[str, str] = dict(
    zip(
        PLOVER_TYPES,
        (
            "#1f77b4", "#aec7e8", "#17becf", "#9edae5", "#2ca02c", "#98df8a", "#bcbd22",
            "#dbdb8d", "#9467bd", "#c5b0d5", "#ff7f0e", "#ffbb78", "#8c564b", "#e377c2",
            "#7f7f7f", "#d62728",
        ),
        strict=True,
    )
)  # fmt: skip
