"""What the plan page draws: the map of the list and the chance against the number of
applications."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from typing import Any

from smartpick.core.geography import albers_usa, puerto_rico
from smartpick.core.results import CurvePoint, Plan
from smartpick.services import Services
from smartpick.web.templating import WEB
from smartpick.web.words import dollars


@functools.cache
def us_atlas() -> dict[str, Any]:
    """The shipped state outlines (build.atlas), read once."""
    data: dict[str, Any] = json.loads((WEB / "static" / "us-states.json").read_text("utf-8"))
    return data


def plan_map(services: Services, plan: Plan) -> dict[str, Any]:
    """The listed programs as points on the state outlines, projected the same way; the
    programs the map cannot show (territories, no coordinates) are named."""
    mainland, island = albers_usa(), puerto_rico()

    def project(lon: float, lat: float) -> tuple[float, float] | None:
        return mainland(lon, lat) or island(lon, lat)

    points: list[dict[str, Any]] = []
    outside = []
    for p in plan.programs:
        program = services.programs_by_id[p.program_id]
        at = None
        if program.latitude is not None and program.longitude is not None:
            at = project(program.longitude, program.latitude)
        if at is None:
            outside.append(p.name)
            continue
        x, y = apart(at, [(q["x"], q["y"]) for q in points])
        points.append({"x": x, "y": y, "name": p.name, "tier": p.tier, "id": p.program_id})
    atlas = us_atlas()
    return {
        "states": atlas["states"],
        "width": atlas["width"],
        "height": atlas["height"],
        "points": points,
        "outside": outside,
    }


def apart(
    at: tuple[float, float], placed: list[tuple[float, float]], gap: float = 12.0
) -> tuple[float, float]:
    """A point moved off the points already placed (programs of one city would hide each
    other): along a widening spiral, a few steps at most; the first free place is taken."""
    x, y = at
    for k in range(13):
        angle, radius = 2.39996 * k, gap * math.sqrt(k)  # the golden angle
        cx, cy = x + radius * math.cos(angle), y + radius * math.sin(angle)
        if all((cx - px) ** 2 + (cy - py) ** 2 >= gap**2 for px, py in placed):
            return round(cx, 1), round(cy, 1)
    return round(x, 1), round(y, 1)


def chart(
    curve: Sequence[CurvePoint],
    recommended: int | None = None,
    width: int = 420,
    height: int = 250,
) -> dict[str, Any]:
    """The chance of matching against the number of applications, and its cautious end (the
    low end of its 95% interval), as SVG coordinates, with axis titles and a mark at the
    recommended count. The axis runs to twice the recommended count (at least 10 more), not
    to the longest list computed, so the part that matters is wide enough to read."""
    if not curve:
        return {
            "points": "",
            "cautious": "",
            "line": [],
            "cautious_line": [],
            "width": width,
            "height": height,
            "ticks": [],
        }
    if recommended:
        shown = max(2 * recommended, recommended + 10)
        curve = [c for c in curve if c.n <= shown] or curve[:1]
    n_max = curve[-1].n
    pad, bottom = 40, 58  # room for the y labels; for the x labels, fees and title

    def x(n: float) -> float:
        return pad + (width - 2 * pad) * (n / n_max)

    def y(p: float) -> float:
        return height - bottom - (height - bottom - 28) * p

    line = [(round(x(c.n), 1), round(y(c.p_match), 1)) for c in curve]
    cautious_line = [(round(x(c.n), 1), round(y(c.p_match_low), 1)) for c in curve]
    cost = {c.n: c.cost for c in curve}
    step = max(5, round(n_max / 5 / 5) * 5)
    ticks = [
        {"x": x(n), "label": str(n), "cost": dollars(cost[n]) if n in cost else ""}
        for n in range(0, n_max + 1, step)
    ]
    mark = None
    if recommended and recommended in cost:
        chance = next(c.p_match for c in curve if c.n == recommended)
        # The label sits at the top unless the curve runs there (a chance near 100%): then
        # just above the axis, under the curve.
        label_y = 24.0 if chance < 0.8 else height - bottom - 8.0
        mark = {
            "x": x(recommended),
            "y": y(chance),
            "label": f"{recommended} recommended",
            "label_y": label_y,
        }
    return {
        "points": " ".join(f"{a:.1f},{b:.1f}" for a, b in line),
        "cautious": " ".join(f"{a:.1f},{b:.1f}" for a, b in cautious_line),
        "line": line,  # the same coordinates as numbers, for the PDF's drawing
        "cautious_line": cautious_line,
        "width": width,
        "height": height,
        "ticks": ticks,
        "pad": pad,
        "axis_y": height - bottom,
        "y_ticks": [{"y": y(p), "label": f"{p:.0%}"} for p in (0, 0.5, 1.0)],
        "mark": mark,
    }
