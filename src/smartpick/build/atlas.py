"""The map asset: US state outlines from us-atlas (Census Bureau cartographic boundaries,
already projected with Albers USA), decoded from TopoJSON into SVG path data that the
package ships (smartpick/web/static/us-states.json). Program points are projected with the
same projection at run time (core.geography.albers_usa)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from smartpick.build.sources import REDOWNLOAD
from smartpick.core.geography import puerto_rico
from smartpick.errors import SourceError

SOURCE = "raw/us_atlas/states-albers-10m.json"
# The unprojected file of the same release: Puerto Rico, which Albers USA leaves out, is taken
# from it and projected into its inset (core.geography.puerto_rico).
TERRITORIES = "raw/us_atlas/states-10m.json"
PUERTO_RICO = "72"
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
    if len(points) < 3:  # an island outside an inset's frame: nothing to draw
        return ""
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z"


def _topology(path: Path) -> dict[str, Any]:
    """A us-atlas TopoJSON file, read; SourceError if it is missing or unreadable."""
    try:
        topology: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceError(f"raw file not found: {path}", hint=REDOWNLOAD) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SourceError(f"cannot read {path}: {exc}", hint=REDOWNLOAD) from None
    return topology


def _path(arcs: list[list[tuple[float, float]]], geometry: dict[str, Any]) -> str:
    """The SVG path data of one state's polygons."""
    multi = geometry["type"] == "MultiPolygon"
    polygons = geometry["arcs"] if multi else [geometry["arcs"]]
    return "".join(_ring(arcs, ring) for polygon in polygons for ring in polygon)


def _not_states(path: Path, exc: Exception) -> SourceError:
    return SourceError(
        f"{path} is not the us-atlas TopoJSON of the states ({type(exc).__name__}: {exc})",
        hint=REDOWNLOAD,
    )


def read_atlas(shared: Path) -> dict[str, Any]:
    """The map asset decoded from the us-atlas files; SourceError if one is missing or not the
    us-atlas TopoJSON of the states."""
    path = shared / SOURCE
    topology = _topology(path)
    try:
        arcs = _arcs(topology)
        states = [
            {"id": str(g["id"]), "name": str(g["properties"]["name"]), "d": _path(arcs, g)}
            for g in topology["objects"]["states"]["geometries"]
        ]
    except (KeyError, TypeError, IndexError, AttributeError) as exc:
        raise _not_states(path, exc) from None
    if not states:
        raise SourceError(f"{path} holds no states", hint=REDOWNLOAD)
    states.append(_puerto_rico(shared / TERRITORIES))
    states.sort(key=lambda s: s["id"])
    return {
        "source": "us-atlas 3.0.1 states-albers-10m.json (US Census Bureau cartographic "
        "boundaries, 2017; ISC license), projected with Albers USA, scale 1300, translate "
        "[487.5, 305]; Puerto Rico from states-10m.json, in an inset at the lower right",
        "width": 975,
        "height": 610,
        "states": states,
    }


def _puerto_rico(path: Path) -> dict[str, str]:
    """Puerto Rico's outline projected into its inset (core.geography.puerto_rico)."""
    topology = _topology(path)
    project = puerto_rico()
    try:
        geometry = next(
            g for g in topology["objects"]["states"]["geometries"] if str(g["id"]) == PUERTO_RICO
        )
        inset = [
            [p for p in (project(lon, lat) for lon, lat in arc) if p is not None]
            for arc in _arcs(topology)
        ]
        return {"id": PUERTO_RICO, "name": "Puerto Rico", "d": _path(inset, geometry)}
    except (KeyError, TypeError, IndexError, AttributeError, StopIteration) as exc:
        raise _not_states(path, exc) from None


def write_atlas(asset: dict[str, Any], out: Path = ASSET) -> None:
    """Write the asset whole or not at all (a temporary file renamed over the old one)."""
    temporary = out.with_name(f".{out.name}.tmp")
    try:
        temporary.write_text(json.dumps(asset, separators=(",", ":")) + "\n", encoding="utf-8")
        temporary.replace(out)
    except OSError as exc:
        raise SourceError(f"cannot write the map to {out}: {exc.strerror or exc}") from exc
