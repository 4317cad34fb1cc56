"""Country outlines for maps, offline: Natural Earth 1:110m from the bundled world-atlas TopoJSON.

The file ships in ``store/world/`` (licence notes beside it), so the report and the UI page draw
coastlines and borders with no download and no GIS dependency: TopoJSON is decoded here in a few
lines. Rings that cross the antimeridian (Russia, Fiji, Antarctica) are unwrapped and drawn twice,
360° apart, so a plain longitude/latitude plot shows them whole instead of as horizontal streaks.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

WORLD_FILE = Path(__file__).resolve().parent / "world" / "countries-110m.json"
Ring = list[tuple[float, float]]


@cache
def country_rings() -> dict[str, list[Ring]]:
    """Each country's outline rings (lon, lat), by Natural Earth name; cached, decoded once."""
    topology = json.loads(WORLD_FILE.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    rings: dict[str, list[Ring]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])], "MultiPolygon": geometry.get("arcs", [])}
        name = geometry["properties"]["name"]
        for polygon in polygons.get(geometry["type"], []):
            for ring_arcs in polygon:
                rings.setdefault(name, []).extend(_unwrapped(_ring(arcs, ring_arcs)))
    return rings


def all_rings() -> list[Ring]:
    """Every ring of every country, for drawing."""
    return [ring for rings in country_rings().values() for ring in rings]


def _decode_arcs(topology: dict) -> list[Ring]:
    """Quantized, delta-encoded arcs to absolute degrees (TopoJSON spec, section 2.1.2)."""
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        decoded.append(points)
    return decoded


def _ring(arcs: list[Ring], indexes: list[int]) -> Ring:
    """A ring from its arcs; a negative index ``~i`` means arc ``i`` reversed. Consecutive arcs
    share their end point, which is kept once."""
    ring: Ring = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def _unwrapped(ring: Ring) -> list[Ring]:
    """The ring, or for one that jumps across the antimeridian, its continuous version and a
    copy shifted by 360° so that both sides of the map show their part."""
    unwrapped = [ring[0]]
    for lon, lat in ring[1:]:
        previous = unwrapped[-1][0]
        turns = round((lon - previous) / 360)  # a step of more than 180° went the other way
        unwrapped.append((lon - 360 * turns, lat))
    if unwrapped == ring:
        return [ring]
    shift = 360 if min(lon for lon, _ in unwrapped) < -180 else -360
    return [unwrapped, [(lon + shift, lat) for lon, lat in unwrapped]]
