"""The plan's list in the PDF: what its columns mean, the table of programs and the map of
them (web.pdf calls it in its place in the plan)."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import StyleSheet1
from reportlab.lib.units import inch
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from smartpick.core.plan.report import LIKELY, TARGET
from smartpick.core.results import Plan
from smartpick.web.pdf_figures import map_drawing
from smartpick.web.words import own_img_rate, percent, span

WIDTH = letter[0] - 1.2 * inch  # the page less its margins
TIER_BACKGROUND = {"likely": "#dcefdc", "target": "#fdf1cc", "reach": "#f9dcdc"}


def _terms(plan: Plan, styles: StyleSheet1, img_column: str | None, visa: bool) -> list[Any]:
    """What the columns mean (the page's folded explanation)."""
    allowed = " and ".join(
        f"{u.allowed}{'' if t == 'signal' else ' ' + t}" for t, u in plan.signals.items()
    )
    season = f"this season allows {allowed} signals" if allowed else "none this season"
    terms = [
        ("Interview", "SmartPick's chance that the program invites you to interview, with its "
         "95% range."),
        ("Match here alone", "the chance that this program by itself would give you a match: "
         "it invites you, and after the interview ranks you high enough to take you."),
        ("Tier", f"set by the chance of matching here alone: likely at {percent(LIKELY)} or "
         f"more, target from {percent(TARGET)} to {percent(LIKELY)}, reach under "
         f"{percent(TARGET)}."),
        ("Signal", f"a preference signal placed by SmartPick ({season})."),
    ]  # fmt: skip
    if visa:
        terms.append((
            "Visa",
            "whether the program sponsors the visa you need, from its FREIDA listing; unknown "
            "where SmartPick has none: ask the program.",
        ))  # fmt: skip
    if img_column:
        terms.append((img_column, "the share of the program's applicants of your group (U.S. "
                      "or non-U.S. IMGs) it invited to interview that season: its own published "
                      "figure, not your chance, from a public copy that does not say where its "
                      "figures come from."))  # fmt: skip
    return [
        Paragraph(f"<b>{escape(name)}</b>: {escape(text)}", styles["small"]) for name, text in terms
    ]


def program_list(
    plan: Plan, styles: StyleSheet1, plan_map: dict[str, Any] | None, img_column: str | None
) -> list[Any]:
    """The table of programs, each with its reason (and, for an IMG, the program's published
    interview rate of the applicant's group), and the map of them."""
    small, head = styles["small"], styles["small"].clone("head", fontName="Helvetica-Bold")
    visa = any(p.visa != "not needed" for p in plan.programs)  # the page's Visa column
    rows: list[list[Any]] = [
        [Paragraph(h, head) for h in ("Program (and why)", "State", "Tier", "Signal",
                                      "Interview", "Match here alone",
                                      "Visa" if visa else None, img_column) if h],
    ]  # fmt: skip
    rows += [
        [
            Paragraph(
                f"{escape(p.name)}<br/><font color='#555555'>{escape(p.reason)}</font>", small
            ),
            p.state,
            p.tier,
            p.signal or "none",
            f"{percent(p.p_interview)} ({span(p.p_interview_interval)})",
            percent(p.p_match_alone),
        ]
        + ([Paragraph(escape(p.visa), small)] if visa else [])
        + (
            [
                Paragraph(
                    own_img_rate(
                        p.us_img_interview_rate, p.non_us_img_interview_rate, plan.applicant_type
                    ),
                    small,
                )
            ]
            if img_column
            else []
        )
        for p in plan.programs
    ]
    widths = [3.35 * inch, 0.5 * inch, 0.6 * inch, 0.65 * inch, 1.1 * inch, 0.8 * inch]
    for extra, width in ((visa, 0.65 * inch), (bool(img_column), 0.8 * inch)):
        if extra:  # the program column gives the room
            widths = [widths[0] - width, *widths[1:], width]
    table = Table(rows, colWidths=widths, repeatRows=1)
    style: list[Any] = [
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ea")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    style += [
        ("BACKGROUND", (2, i), (2, i), colors.HexColor(TIER_BACKGROUND[p.tier]))
        for i, p in enumerate(plan.programs, start=1)
        if p.tier in TIER_BACKGROUND
    ]
    table.setStyle(TableStyle(style))
    story: list[Any] = [
        Spacer(1, 0.1 * inch),
        *_terms(plan, styles, img_column, visa),
        Spacer(1, 0.08 * inch),
        Paragraph("The programs, in your order of preference", styles["Heading4"]),
        table,
    ]
    if plan_map:
        outside = plan_map["outside"]
        shown = len(plan_map["points"])
        caption = (
            f"Map of the {shown} programs on the list the map can show, each marked by its "
            "tier: a circle for likely, a square for target, a triangle for reach."
        )
        if outside:
            caption += f" Not on the map: {'; '.join(outside)}."
        story.append(
            KeepTogether(
                [
                    Spacer(1, 0.15 * inch),
                    map_drawing(plan_map, 0.85 * WIDTH),
                    Paragraph(escape(caption), styles["caption"]),
                ]
            )
        )
    return story
