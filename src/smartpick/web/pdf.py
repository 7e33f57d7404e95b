"""The plan as a PDF, for printing: everything the plan page says, in its order (what to read
first, where the score stands, the list with its chart and map, the PGY-1 year and the
parallel plan, the Step 2 CK strategy by section, and what the numbers rest on); for a
failing Step 2 CK, the retake path instead of a plan. The pictures are in web.pdf_figures, the
list of programs in web.pdf_list."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
)

from smartpick.core.results import Advice, Plan, Recommended, Retake
from smartpick.services.advice import SECTIONS
from smartpick.web.pdf_figures import chart_drawing, standing_drawing
from smartpick.web.pdf_list import WIDTH, program_list
from smartpick.web.pdf_pgy1 import pgy1_story
from smartpick.web.words import dollars, percent, plain_words, sentence, span

__all__ = ["dollars", "percent", "render_pdf", "sentence"]

WARNING = colors.HexColor("#9b1c1c")


def render_pdf(
    plan: Plan,
    standing: dict[str, Any],
    advice: Advice,
    asked_count: bool = False,
    *,
    summary: Sequence[str] = (),
    not_counted: Sequence[str] = (),
    chart: dict[str, Any] | None = None,
    plan_map: dict[str, Any] | None = None,
    backup: dict[str, str] | None = None,
    img_column: str | None = None,
) -> bytes:
    """`asked_count`: the number of applications is the applicant's own, not SmartPick's.
    `summary`, `not_counted`, `chart`, `plan_map` and `backup` are what the page shows: the
    profile in short phrases, the fields not counted (in words), web.figures' chart and map,
    and the named backup specialty; `img_column` heads an IMG's column of the programs'
    published IMG interview rates."""
    styles = _styles()
    story: list[Any] = [
        Paragraph(
            escape(f"SmartPick plan: {plan.specialty_name}, season {plan.season}"),
            styles["Title"],
        ),
    ]
    if summary:
        story.append(Paragraph(escape("Made from: " + " \u00b7 ".join(summary)), styles["small"]))
    story += _flags(plan.flags, styles)
    if plan.retake:
        story += _retake(plan.retake, styles)
    else:
        if plan.programs:
            story += _answer(plan, styles, backup)
        story += _standing(standing, styles)
        if plan.programs:
            story += _plan(plan, asked_count, styles, chart)
            story += program_list(plan, styles, plan_map, img_column)
            if plan.pgy1_plan is not None:
                story += pgy1_story(plan.pgy1_plan, sentence(plan.pgy1 or ""), styles)
        story += _advice(advice, styles)
    story += _notes(plan, not_counted, styles)
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=letter,
        title=f"SmartPick plan: {plan.specialty_name}",
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.6 * inch,
    ).build(story)
    return out.getvalue()


def _styles() -> StyleSheet1:
    styles = getSampleStyleSheet()
    styles.add(styles["BodyText"].clone("small", fontSize=8, leading=10))
    styles.add(styles["BodyText"].clone("caption", fontSize=8, leading=10, textColor="#444444"))
    styles.add(styles["BodyText"].clone("item", leftIndent=12, spaceBefore=1, spaceAfter=1))
    return styles


def _p(text: str, styles: StyleSheet1, style: str = "BodyText", **kw: Any) -> Paragraph:
    """A paragraph of plain text (escaped, file names in words); `kw` go to Paragraph."""
    return Paragraph(escape(plain_words(text)), styles[style], **kw)


def _flags(flags: list[str], styles: StyleSheet1) -> list[Any]:
    """The red flags the numbers do not count, before any number."""
    if not flags:
        return []
    heading = styles["Heading2"].clone("warning-heading", textColor=WARNING)
    body = styles["BodyText"].clone("warning", leftIndent=12)
    return [
        Paragraph("Read this first", heading),
        *[Paragraph(escape(sentence(plain_words(f))), body, bulletText="\u2022") for f in flags],
        Spacer(1, 0.1 * inch),
    ]


def _retake(retake: Retake, styles: StyleSheet1) -> list[Any]:
    body = styles["BodyText"].clone("step", leftIndent=14)
    return [
        Paragraph("The retake path: what to do next", styles["Heading2"]),
        _p(
            f"Step 2 CK {retake.score} is under the passing mark of {retake.passing_mark}, so "
            "this plan gives no list of programs and no chance of matching. Here is the way "
            "back:",
            styles,
        ),
        *[
            Paragraph(escape(plain_words(step)), body, bulletText=f"{i}.")
            for i, step in enumerate(retake.steps, start=1)
        ],
        _p(f"Sources: {'; '.join(retake.sources)}.", styles, "small"),
    ]


def _interval(interval: Sequence[float] | None) -> str:
    return f" (95% interval {span(interval)})" if interval else ""


def _standing(standing: dict[str, Any], styles: StyleSheet1) -> list[Any]:
    """Where the score stands, as the page says it, with its picture and the published
    figure it is measured against."""
    story: list[Any] = [Paragraph("Where your score stands", styles["Heading2"])]
    p = standing.get("p_match")
    if p is None:
        reasons = "; ".join(standing.get("reasons") or [])
        return [*story, _p(sentence(reasons), styles)] if reasons else story
    interval = _interval(standing.get("p_match_interval"))
    if standing.get("basis") == "published curve":
        text = (
            "Of the applicants of your type with your score who ranked at least one program "
            f"of the specialty, about {percent(p)} matched{interval}, by the published "
            "figures. Those who got no interview at all are not counted there, so your own "
            "chance is likely lower."
        )
    else:
        typical = standing.get("typical") or {}
        count = (
            f" (to about {typical['applications']:.0f} programs of the specialty)"
            if typical.get("applications")
            else ""
        )
        text = (
            f"An applicant of your type with your score who applies as such applicants "
            f"usually do{count} has a {percent(p)} chance of matching in the "
            f"specialty{interval}."
        )
    above = standing.get("score_percentile_matched")
    if above is not None:
        text += f" Your score is above {percent(above)} of matched applicants."
    story.append(_p(text, styles))
    drawing = standing_drawing(standing, 0.65 * WIDTH)
    if drawing is not None:
        story.append(
            KeepTogether(
                [
                    drawing,
                    _p(
                        "Where your score falls among applicants of your type who preferred "
                        "the specialty, and the chance of matching with its 95% interval "
                        "(the bar).",
                        styles,
                        "caption",
                    ),
                ]
            )
        )
    for c in (standing.get("cited") or {}).values():
        cited = f"Published: {c['what']}: {c['value']:.0f} ({c['source']})"
        story.append(_p(cited, styles, "small"))
    return story


def _why(plan: Plan, rec: Recommended, asked: bool) -> str:
    """Why this many applications, what is left of a budget, what the count was judged by
    and the fees per point of chance (the page says the same)."""
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
        why += f" At the cautious end of its range, the chance is {percent(low)}."
    else:
        why += (
            f" At the cautious end of its range the chance is {percent(low)} at "
            f"{plan.applications} applications; SmartPick counts a year without a match as "
            f"costing you {dollars(rec.cost_of_not_matching_usd)} "
            f"({rec.cost_of_not_matching_source})."
        )
    if rec.usd_per_point_average is not None:
        average = dollars(rec.usd_per_point_average)
        why += f" Fees per point of chance: about {average} over the list"
        if rec.usd_per_point is not None:
            why += f", about {dollars(rec.usd_per_point)} for the last application"
        why += "."
    return why


def _plan(plan: Plan, asked: bool, styles: StyleSheet1, chart: dict[str, Any] | None) -> list[Any]:
    """The recommendation, why, what others send, the signals, the geographic choices and
    the chart."""
    rec, interval = plan.recommended_applications, plan.p_match_interval
    if rec is None or interval is None or plan.cost_usd is None:
        return []
    story: list[Any] = [
        CondPageBreak(2 * inch),
        Paragraph("The list", styles["Heading2"]),
        _p(_why(plan, rec, asked), styles),
    ]
    typical = plan.typical_applications
    if typical:
        story.append(
            _p(
                f"What applicants like you send: {sentence(typical.meaning, False)} "
                f"(Source: {typical.source}.)",
                styles,
            )
        )
    for tier, used in plan.signals.items():
        story.append(_p(f"Signals ({tier}): {used.used} of {used.allowed} placed.", styles))
    story += _geography(plan, styles)
    drawing = chart_drawing(chart, 0.72 * WIDTH) if chart else None
    if chart and drawing is not None:
        dashed = "; the dashed line is the cautious end of the chance" if chart["cautious"] else ""
        story.append(
            KeepTogether(
                [
                    Spacer(1, 0.1 * inch),
                    drawing,
                    _p(
                        "Chance of matching (up) against the number of applications and "
                        f"their fees (across), each list the best of its size{dashed}.",
                        styles,
                        "caption",
                    ),
                ]
            )
        )
    return story


def _geography(plan: Plan, styles: StyleSheet1) -> list[Any]:
    story = []
    g = plan.geography
    if g:
        divisions = (
            "census divisions " + ", ".join(map(str, g["divisions"]))
            if g.get("divisions")
            else "none stated"
        )
        story.append(
            _p(
                f"ERAS geographic preference: {divisions} ({percent(g['p_match'])} chance at "
                f"{g['p_match_at']} applications, {percent(g['p_match_no_preference'])} "
                f"stating none; {g['method']}). The effect is a prior: {g['prior']}.",
                styles,
            )
        )
    k = plan.connections
    if k:
        story.append(
            _p(
                f"ResidencyCAS geographic connections: {', '.join(k['connections'])} "
                f"({k['programs_in_connected_states']} programs there; odds of an interview "
                f"x{k['odds_ratio']}: {k['prior']}).",
                styles,
            )
        )
    return story


def _answer(plan: Plan, styles: StyleSheet1, backup: dict[str, str] | None) -> list[Any]:
    """The short answer, as the page opens with it: the count and the chance, the range, the
    interviews and the fees, the parallel plan or the backup, and the PGY-1 year."""
    if plan.p_match_interval is None or plan.cost_usd is None:
        return []
    low, high = plan.p_match_interval
    nrmp = (
        f" ({dollars(plan.total_cost_usd)} in all, with the transcript and NRMP fees)"
        if plan.total_cost_usd
        else ""
    )
    story: list[Any] = [
        Paragraph("The short answer", styles["Heading2"]),
        Paragraph(
            f"Apply to <b>{plan.applications} programs</b>: <b>{percent(plan.p_match)}</b> "
            "chance of matching.",
            styles["BodyText"],
        ),
        _p(
            f"95% interval {span((low, high))}; about "
            f"{plan.expected_interviews or 0:.0f} interviews expected; {dollars(plan.cost_usd)} "
            f"in {plan.service} fees{nrmp}.",
            styles,
        ),
    ]
    if plan.total_cost_usd:
        story.append(_p("Made of: " + "; ".join(plan.cost_parts()) + ".", styles, "small"))
    parallel = plan.parallel or {}
    if parallel.get("available"):
        split = parallel["split"]
        story.append(
            Paragraph(
                f"<b>Parallel plan with {escape(parallel['backup'])}:</b> "
                + escape(
                    f"{split['preferred']} + {split['backup']} programs give "
                    f"{percent(parallel['p_preferred'])} in your preferred specialty and "
                    f"{percent(parallel['p_any'])} of matching at all."
                ),
                styles["BodyText"],
            )
        )
    elif parallel.get("needed"):
        none = f"SmartPick has no program-level model for {parallel.get('backup')}"
        story.append(_p(f"Parallel plan: {parallel.get('why') or none}.", styles))
    elif backup:
        story.append(
            _p(
                f"Your backup, {backup['name']}: not needed at this chance "
                f"({parallel.get('why')}).",
                styles,
            )
        )
    if plan.pgy1:
        story.append(_p(sentence(plan.pgy1), styles))
    return [KeepTogether(story), Spacer(1, 0.1 * inch)]


def _advice(advice: Advice, styles: StyleSheet1) -> list[Any]:
    """The Step 2 CK strategy: the situation, the timeline and the advice under the page's
    section headings, each piece drawn from the data marked so."""
    modifiers = f" ({', '.join(advice.modifiers)})" if advice.modifiers else ""
    reasons = "; ".join(advice.reasons)
    story: list[Any] = [
        Spacer(1, 0.1 * inch),
        CondPageBreak(1.5 * inch),
        Paragraph("Your Step 2 CK strategy", styles["Heading2"]),
        Paragraph(
            f"Situation: <b>{escape(advice.scenario)}</b>{escape(modifiers)}. "
            + escape(sentence(plain_words(reasons)) if reasons else ""),
            styles["BodyText"],
        ),
    ]
    t = advice.timeline
    if t.get("review_starts") and t.get("latest_safe_test_date"):
        story.append(
            _p(
                f"Programs start reviewing on {t['review_starts']}; the latest safe test date "
                f"is {t['latest_safe_test_date']}.",
                styles,
            )
        )
    for name, title in SECTIONS.items():
        items = [i for i in advice.recommendations if i.section == name]
        if not items:
            continue
        story.append(Paragraph(escape(title), styles["Heading3"]))
        for i in items:
            mark = (
                " <font size='7' color='#1f5f8b'>[from the data]</font>"
                if i.kind != "general advice"
                else ""
            )
            text = escape(plain_words(i.text)) + mark
            story.append(Paragraph(text, styles["item"], bulletText="\u2022"))
    return story


def _notes(plan: Plan, not_counted: Sequence[str], styles: StyleSheet1) -> list[Any]:
    story: list[Any] = [
        Spacer(1, 0.2 * inch),
        Paragraph("What the numbers rest on", styles["Heading3"]),
        *[_p(sentence(n), styles, "small", bulletText="\u2022") for n in plan.notes],
    ]
    if not plan.retake and not_counted:
        words = f"Not counted in these numbers: {'; '.join(not_counted)}."
        story.append(_p(words, styles, "small"))
    story.append(
        _p(
            "Every number traces to a public source and year; the model's accuracy is "
            "published in SmartPick's validation report.",
            styles,
            "small",
        )
    )
    return story
