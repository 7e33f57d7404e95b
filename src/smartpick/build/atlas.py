"""The map asset: US state outlines from us-atlas (Census Bureau cartographic boundaries,
already projected with Albers USA), decoded from TopoJSON into SVG path data that the
package ships (smartpick/web/static/us-states.json). Program points are projected with the
same projection at run time (core.geography.albers_usa)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SOURCE = "raw/us_atlas/states-albers-10m.json"
ASSET = Path(__file__).resolve().parents[1] / "web" / "static" / "us-states.json"


def _arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """Absolute coordinates of every arc (quantized, delta-encoded in the file)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> str:
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points += arc[1:] if points else arc  # consecutive arcs share their joining point
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z"


def build_atlas(shared: Path, out: Path = ASSET) -> int:
    """Write the states' SVG paths; returns how many states."""
    topology = json.loads((shared / SOURCE).read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    states = []
    for geometry in topology["objects"]["states"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        d = "".join(_ring(arcs, ring) for polygon in polygons for ring in polygon)
        states.append({"id": geometry["id"], "name": geometry["properties"]["name"], "d": d})
    states.sort(key=lambda s: s["id"])
    asset = {
        "source": "us-atlas 3.0.1 states-albers-10m.json (US Census Bureau cartographic "
        "boundaries, 2017; ISC license), projected with Albers USA, scale 1300, translate "
        "[487.5, 305]",
        "width": 975,
        "height": 610,
        "states": states,
    }
    out.write_text(json.dumps(asset, separators=(",", ":")) + "\n", encoding="utf-8")
    return len(states)
