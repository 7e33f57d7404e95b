"""The plan as a PDF: the summary, the list and the Step 2 CK strategy, for printing."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def render_pdf(plan: dict[str, Any], standing: dict[str, Any], advice: dict[str, Any]) -> bytes:
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    story: list[Any] = [
        Paragraph(
            escape(f"SmartPick plan: {plan['specialty_name']}, season {plan['season']}"),
            styles["Title"],
        ),
    ]
    if standing.get("p_match") is not None:
        story.append(
            Paragraph(
                escape(
                    f"Where your score stands: {_pct(standing['p_match'])} chance of matching "
                    "for an applicant of your type who applies as peers do."
                ),
                styles["BodyText"],
            )
        )
    if plan.get("programs"):
        low, high = plan["p_match_interval"]
        story.append(
            Paragraph(
                escape(
                    f"Apply to {plan['applications']} programs (${plan['cost_usd']:g} in "
                    f"{plan['service']} fees): {_pct(plan['p_match'])} chance of matching "
                    f"(95% interval {_pct(low)}-{_pct(high)}); {plan['expected_interviews']} "
                    "interviews expected."
                ),
                styles["BodyText"],
            )
        )
        story.append(Spacer(1, 0.15 * inch))
        rows: list[list[Any]] = [["Program", "State", "Tier", "Signal", "Interview", "Alone"]]
        rows += [
            [
                Paragraph(escape(p["name"]), small),
                p["state"],
                p["tier"],
                p["signal"] or "",
                _pct(p["p_interview"]),
                _pct(p["p_match_alone"]),
            ]
            for p in plan["programs"]
        ]
        table = Table(
            rows,
            colWidths=[3.4 * inch, 0.5 * inch, 0.7 * inch, 0.7 * inch, 0.8 * inch, 0.6 * inch],
            repeatRows=1,
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONTSIZE", (0, 0), (-1, -1), 8),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ea")),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(table)
    story.append(Spacer(1, 0.2 * inch))
    story.append(
        Paragraph(escape(f"Your Step 2 CK strategy: {advice['scenario']}"), styles["Heading2"])
    )
    for item in advice["recommendations"]:
        story.append(Paragraph(escape(item["text"]), small))
    story.append(Spacer(1, 0.2 * inch))
    story.append(
        Paragraph(
            escape(
                "Every number traces to a public source and year; the "
                "model's accuracy is published (docs/validation.md)."
            ),
            small,
        )
    )
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=letter, title="SmartPick plan", leftMargin=0.6 * inch, rightMargin=0.6 * inch
    ).build(story)
    return out.getvalue()
