"""The plan as a PDF: what to read first, the summary, the list and the Step 2 CK strategy, for
printing; for a failing Step 2 CK, the retake path instead of a plan."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from smartpick.core.results import Advice, Plan, Recommended, Retake
from smartpick.web.words import dollars, percent, sentence

__all__ = ["dollars", "percent", "render_pdf", "sentence"]

WARNING = colors.HexColor("#9b1c1c")


def _pct(value: float | None) -> str:
    return percent(value)


def render_pdf(
    plan: Plan,
    standing: dict[str, Any],
    advice: Advice,
    asked_count: bool = False,
) -> bytes:
    """`asked_count`: the number of applications is the applicant's own, not SmartPick's."""
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    story: list[Any] = [
        Paragraph(
            escape(f"SmartPick plan: {plan.specialty_name}, season {plan.season}"),
            styles["Title"],
        ),
    ]
    story += _flags(plan.flags, styles)
    if plan.retake:
        story += _retake(plan.retake, styles, small)
    else:
        story += _standing(standing, styles)
        if plan.programs:
            story += _plan(plan, asked_count, styles, small)
        story += _advice(advice, styles, small)
    story += _notes(plan, styles, small)
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=letter, title="SmartPick plan", leftMargin=0.6 * inch, rightMargin=0.6 * inch
    ).build(story)
    return out.getvalue()


def _flags(flags: list[str], styles: StyleSheet1) -> list[Any]:
    """The red flags the numbers do not count, before any number."""
    if not flags:
        return []
    heading = styles["Heading2"].clone("warning-heading", textColor=WARNING)
    body = styles["BodyText"].clone("warning", leftIndent=12)
    return [
        Paragraph("Read this first", heading),
        *[Paragraph(escape(sentence(f)), body, bulletText="\u2022") for f in flags],
        Spacer(1, 0.1 * inch),
    ]


def _retake(retake: Retake, styles: StyleSheet1, small: Any) -> list[Any]:
    body = styles["BodyText"].clone("step", leftIndent=14)
    return [
        Paragraph("The retake path: what to do next", styles["Heading2"]),
        Paragraph(
            escape(
                f"Step 2 CK {retake.score} is under the passing mark of "
                f"{retake.passing_mark}, so this plan gives no list of programs and no "
                "chance of matching. Here is the way back:"
            ),
            styles["BodyText"],
        ),
        *[
            Paragraph(escape(step), body, bulletText=f"{i}.")
            for i, step in enumerate(retake.steps, start=1)
        ],
        Paragraph(escape(f"Sources: {'; '.join(retake.sources)}."), small),
    ]


def _standing(standing: dict[str, Any], styles: StyleSheet1) -> list[Any]:
    if standing.get("p_match") is None:
        return []
    if standing.get("basis") == "published curve":
        text = (
            f"Where your score stands: of the applicants of your type with your score who "
            f"ranked at least one program of the specialty, about {_pct(standing['p_match'])} "
            "matched, by the published figures; those who got no interview are not counted, "
            "so your own chance is likely lower."
        )
    else:
        typical = standing.get("typical") or {}
        count = (
            f" (to about {typical['applications']:.0f} programs of the specialty)"
            if typical.get("applications")
            else ""
        )
        text = (
            f"Where your score stands: an applicant of your type with your score who applies "
            f"as such applicants usually do{count} has a {_pct(standing['p_match'])} chance "
            "of matching in the specialty."
        )
    return [Paragraph(escape(text), styles["BodyText"])]


def _why(plan: Plan, rec: Recommended, asked: bool) -> str:
    """Why this many applications, what is left of a budget, and what the count was judged by
    (the page says the same)."""
    why = f"Why {plan.applications}: {sentence(rec.why, capital=False)}"
    if plan.budget_usd is not None and plan.unspent_usd is not None:
        budget = dollars(plan.budget_usd)
        why += (
            f" Of your {budget} budget, {dollars(plan.unspent_usd)} is left unspent."
            if plan.unspent_usd >= 0.5
            else f" This uses your whole {budget} budget."
        )
    low = rec.p_match_low
    if asked:
        why += f" At the cautious end of its range, the chance is {_pct(low)}."
    else:
        why += (
            f" At the cautious end of its range the chance is {_pct(low)} at "
            f"{plan.applications} applications, and counts a year without a match as costing "
            f"you {dollars(rec.cost_of_not_matching_usd)} ({rec.cost_of_not_matching_source})."
        )
    return why


def _plan(plan: Plan, asked: bool, styles: StyleSheet1, small: Any) -> list[Any]:
    rec, interval = plan.recommended_applications, plan.p_match_interval
    if rec is None or interval is None or plan.cost_usd is None:
        return []
    low, high = interval
    story: list[Any] = [
        Paragraph(
            escape(
                f"Apply to {plan.applications} programs ({dollars(plan.cost_usd)} in "
                f"{plan.service} fees): {_pct(plan.p_match)} chance of matching "
                f"(95% interval {_pct(low)}-{_pct(high)}); about "
                f"{plan.expected_interviews or 0:.0f} interviews expected."
            ),
            styles["BodyText"],
        ),
        Paragraph(escape(_why(plan, rec, asked)), styles["BodyText"]),
    ]
    typical = plan.typical_applications
    if typical:
        story.append(
            Paragraph(
                escape(
                    f"What applicants like you send: {sentence(typical.meaning, False)} "
                    f"Source: {typical.source}."
                ),
                styles["BodyText"],
            )
        )
    story.append(Spacer(1, 0.15 * inch))
    rows: list[list[Any]] = [["Program", "State", "Tier", "Signal", "Interview", "Alone"]]
    rows += [
        [
            Paragraph(escape(p.name), small),
            p.state,
            p.tier,
            p.signal or "",
            _pct(p.p_interview),
            _pct(p.p_match_alone),
        ]
        for p in plan.programs
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
    return story


def _advice(advice: Advice, styles: StyleSheet1, small: Any) -> list[Any]:
    return [
        Spacer(1, 0.2 * inch),
        Paragraph(escape(f"Your Step 2 CK strategy: {advice.scenario}"), styles["Heading2"]),
        *[Paragraph(escape(item.text), small) for item in advice.recommendations],
    ]


def _notes(plan: Plan, styles: StyleSheet1, small: Any) -> list[Any]:
    return [
        Spacer(1, 0.2 * inch),
        Paragraph("What the numbers rest on", styles["Heading3"]),
        *[Paragraph(escape(sentence(n)), small) for n in plan.notes],
        Paragraph(
            escape(
                "Every number traces to a public source and year; the "
                "model's accuracy is published (docs/validation.md)."
            ),
            small,
        ),
    ]
