"""The PGY-1 year in the PDF: the summary, the prior said plainly, and the list."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import StyleSheet1
from reportlab.lib.units import inch
from reportlab.platypus import CondPageBreak, Paragraph, Spacer, Table, TableStyle

from smartpick.core.results import Pgy1Plan
from smartpick.web.words import percent, pgy1_summary, plain_words


def pgy1_story(plan: Pgy1Plan, needed: str, styles: StyleSheet1) -> list[Any]:
    small = styles["small"]
    head = small.clone("pgy1-head", fontName="Helvetica-Bold")
    rows: list[list[Any]] = [
        [Paragraph(h, head) for h in ("Program (NRMP code)", "City, state", "Year",
                                      "Interview", "Match here alone")],
    ]  # fmt: skip
    rows += [
        [
            Paragraph(f"{escape(p.name)} ({p.program_id})", small),
            Paragraph(escape(f"{p.city or 'city not known'}, {p.state}"), small),
            Paragraph(escape(p.year), small),
            percent(p.p_interview),
            percent(p.p_match_alone),
        ]
        for p in plan.programs
    ]
    table = Table(
        rows, colWidths=[2.9 * inch, 1.3 * inch, 1.4 * inch, 0.7 * inch, 0.8 * inch], repeatRows=1
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
    signals = [
        f"{s.year} signals: this season allows {s.allowed}; send them to the first "
        f"{len(s.programs)} {s.year} programs below ({s.effect})."
        for s in plan.signals
    ]
    text = [needed, pgy1_summary(plan), f"These chances are an estimate: {plan.method}.", *signals]
    return [
        Spacer(1, 0.1 * inch),
        CondPageBreak(1.5 * inch),
        Paragraph("Your PGY-1 year", styles["Heading2"]),
        *(Paragraph(escape(plain_words(t)), styles["BodyText"]) for t in text),
        Spacer(1, 0.05 * inch),
        table,
    ]
