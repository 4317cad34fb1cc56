"""Country outlines for the page's map, as one SVG path in longitude/latitude degrees.

The library decodes Natural Earth's outlines (``eventwire.store.worldmap``); the browser gets
them once as a single path (x = longitude, y = −latitude, 0.01° precision, ~100 kB) and draws
the events over it, so the page needs no map library and nothing from the network.
"""

from __future__ import annotations

import json
from functools import cache

from eventwire.store.worldmap import all_rings


@cache
def outlines_json() -> str:
    """``{"path": d}``, built once per process."""
    rings = (
        "M" + "L".join(f"{lon:.2f},{-lat:.2f}" for lon, lat in ring) + "Z" for ring in all_rings()
    )
    return json.dumps({"path": "".join(rings)})
