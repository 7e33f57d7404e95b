"""The plan page's pictures drawn for the PDF with reportlab's own graphics (shapes, not an
image, so they print sharp): the chance against the number of applications, the map of the
list and where the score stands. Each takes what web.figures computed for the page (SVG
coordinates, y running down) and draws it the right way up, scaled to the printed width."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

from reportlab.graphics.shapes import (
    Circle,
    Drawing,
    Group,
    Line,
    Path,
    Polygon,
    PolyLine,
    Rect,
    Shape,
    String,
)
from reportlab.lib import colors
from reportlab.lib.colors import Color

from smartpick.web.words import percent

INK = colors.HexColor("#1f5f8b")
SOFT = colors.HexColor("#eef1f4")
EDGE = colors.HexColor("#9aa7b4")
BAR = colors.HexColor("#9cc3de")
GRID = colors.HexColor("#d5dbe1")
TEXT = colors.HexColor("#222222")
# The tiers as the page colours them, each with its own shape too, so a grey print (or a
# reader who does not tell green from red) still tells them apart.
TIERS: dict[str, tuple[Color, str]] = {
    "likely": (colors.HexColor("#2e8b57"), "circle"),
    "target": (colors.HexColor("#e0a800"), "square"),
    "reach": (colors.HexColor("#c0392b"), "triangle"),
}


Anchor = Literal["start", "middle", "end"]


def _box(x: float, y: float, width: float, height: float, fill: Color, edge: Color | None) -> Rect:
    style: dict[str, Any] = {"fillColor": fill, "strokeColor": edge}  # the stubs miss Unpack
    return Rect(x, y, width, height, **style)


class _Canvas:
    """Shapes placed in the page's SVG coordinates (y down) inside a drawing `scale` times
    their size, the right way up."""

    def __init__(self, width: float, height: float, scale: float, below: float = 0) -> None:
        self.height, self.scale, self.below = height, scale, below
        self.drawing = Drawing(width * scale, height * scale + below)
        self.drawing.hAlign = "CENTER"
        self.group = Group(transform=(scale, 0, 0, scale, 0, below))
        self.drawing.add(self.group)

    def up(self, y: float) -> float:
        return self.height - y

    def add(self, shape: Shape, name: str | None = None) -> None:
        self.group.add(shape, name=name)

    def text(
        self, x: float, y: float, words: str, size: float = 12, anchor: Anchor = "start"
    ) -> None:
        self.add(
            String(x, self.up(y), words, fontSize=size, fontName="Helvetica", textAnchor=anchor)
        )

    def line(self, points: Sequence[tuple[float, float]], **style: Any) -> None:
        flat = [v for x, y in points for v in (x, self.up(y))]
        self.add(PolyLine(flat, **style))


def chart_drawing(chart: dict[str, Any], width: float) -> Drawing | None:
    """The chance of matching (solid) and its cautious end (dashed) against the number of
    applications, with the fees under the axis and a mark at the recommended count."""
    if not chart.get("line"):
        return None
    w, h = chart["width"], chart["height"]
    c = _Canvas(w, h, min(1.0, width / w))
    left, axis = chart["pad"], chart["axis_y"]
    for t in chart["y_ticks"]:
        c.add(Line(left, c.up(t["y"]), w - left, c.up(t["y"]), strokeColor=GRID, strokeWidth=0.5))
        c.text(4, t["y"] + 4, t["label"])
    c.add(Line(left, c.up(axis), w - left, c.up(axis), strokeColor=EDGE, strokeWidth=1))
    c.line(chart["line"], strokeColor=INK, strokeWidth=2)
    if chart.get("cautious_line"):
        c.line(chart["cautious_line"], strokeColor=INK, strokeWidth=1.5, strokeDashArray=[5, 4])
    mark = chart.get("mark")
    if mark:
        c.add(
            Line(
                mark["x"],
                c.up(axis),
                mark["x"],
                c.up(12),
                strokeColor=colors.HexColor("#555555"),
                strokeDashArray=[2, 3],
            )
        )
        c.add(Circle(mark["x"], c.up(mark["y"]), 4, fillColor=INK, strokeColor=INK))
        # The label at the top, or down by the axis where the curve runs at the top; left of
        # the mark near the right edge.
        at = 24 if mark["y"] > 60 else axis - 8
        if mark["x"] > 0.7 * w:
            c.text(mark["x"] - 6, at, mark["label"], anchor="end")
        else:
            c.text(mark["x"] + 6, at, mark["label"])
    for t in chart["ticks"]:
        c.text(t["x"], axis + 16, t["label"], anchor="middle")
        c.text(t["x"], axis + 30, t["cost"], size=11, anchor="middle")
    c.text(w / 2, h - 4, "applications (and their fees)", anchor="middle")
    c.text(4, 10, "chance of matching")
    return c.drawing


PATH = re.compile(r"([MLZ])([^MLZ]*)")


def _state(d: str, up: Any) -> Path:
    """A state outline from its SVG path (absolute moves, lines and closes only, as the
    shipped atlas is written)."""
    path = Path(fillColor=SOFT, strokeColor=EDGE, strokeWidth=1)
    for command, numbers in PATH.findall(d):
        if command == "Z":
            path.closePath()
            continue
        if not numbers.strip():
            continue  # no point to move or draw to
        x, y = (float(v) for v in numbers.split(","))
        (path.moveTo if command == "M" else path.lineTo)(x, up(y))
    return path


def _marker(tier: str, x: float, y: float, r: float) -> Shape:
    fill, shape = TIERS.get(tier, (colors.grey, "circle"))
    style: dict[str, Any] = {"fillColor": fill, "strokeColor": TEXT, "strokeWidth": r / 6}
    if shape == "square":
        return Rect(x - r * 0.9, y - r * 0.9, 1.8 * r, 1.8 * r, **style)
    if shape == "triangle":
        corners = [x - r * 1.1, y - r * 0.9, x + r * 1.1, y - r * 0.9, x, y + r * 1.2]
        return Polygon(corners, **style)
    return Circle(x, y, r, **style)


def map_drawing(plan_map: dict[str, Any], width: float) -> Drawing:
    """The state outlines with a mark for every program the map can show, its shape and
    colour by tier, and a legend under the map that counts them."""
    w, h = plan_map["width"], plan_map["height"]
    scale = width / w
    r = 3.5 / scale  # marks 3.5 points wide whatever the scale
    c = _Canvas(w, h, scale, below=22)
    for state in plan_map["states"]:
        c.add(_state(state["d"], c.up))
    # Reaches first, likely last: the surer programs are drawn on top where marks overlap.
    order = {"reach": 0, "target": 1, "likely": 2}
    marks = Group()
    for p in sorted(plan_map["points"], key=lambda p: order.get(p["tier"], 0)):
        marks.add(_marker(p["tier"], p["x"], c.up(p["y"]), r))
    c.add(marks, name="marks")  # the programs' marks, one each (the tests count them)
    x = 0.0
    for tier in TIERS:
        count = sum(p["tier"] == tier for p in plan_map["points"])
        c.drawing.add(_marker(tier, x + 5, 8, 4))
        words = f"{tier}: {count} program{'' if count == 1 else 's'}"
        c.drawing.add(String(x + 13, 4.5, words, fontSize=9, fontName="Helvetica"))
        x += 120
    return c.drawing


def standing_drawing(standing: dict[str, Any], width: float) -> Drawing | None:
    """The score against matched and unmatched applicants, and the chance with its interval
    (the page's picture)."""
    if standing.get("score_percentile_matched") is None:
        return None
    w, h, left, bar = 560, 150, 170, 360
    c = _Canvas(w, h, min(1.0, width / w))
    rows = [
        ("matched applicants", standing["score_percentile_matched"]),
        ("unmatched applicants", standing.get("score_percentile_unmatched")),
    ]
    for i, (label, share) in enumerate(rows):
        y = 20 + i * 40
        c.text(0, y + 14, label)
        c.add(_box(left, c.up(y + 20), bar, 20, SOFT, EDGE))
        if share is not None:
            c.add(_box(left, c.up(y + 20), bar * share, 20, BAR, None))
            c.text(left + 5 + bar * share, y + 14, f"you: above {percent(share)}", size=11)
    p, interval = standing.get("p_match"), standing.get("p_match_interval")
    if p is not None:
        c.text(0, 114, "chance of matching")
        c.add(_box(left, c.up(120), bar, 20, SOFT, EDGE))
        if interval:
            low, high = interval
            span = bar * (high - low)
            c.add(_box(left + bar * low, c.up(116), span, 12, BAR, None))
        x = left + bar * p
        c.add(Line(x, c.up(98), x, c.up(122), strokeColor=INK, strokeWidth=3))
        c.text(left, 140, "0%", size=11)
        c.text(left + bar - 15, 140, "100%", size=11)
    return c.drawing
