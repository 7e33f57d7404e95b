"""The Step 2 CK advisor: timing, release and presentation of the score, for one profile.

The decisions are in core.advice, the words in templates/advice (our own), the numbers from
the engine and the optimizer for the same profile (services.plan). A line that carries a
number from the dataset is marked `from the data` with its sources; the rest is labelled
general advice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import jinja2

from smartpick.core.advice import classify, timeline
from smartpick.core.model.standing import IQR_TO_SD
from smartpick.core.numbers import sensible_date
from smartpick.core.profile import Profile, step1_failed
from smartpick.core.results import Advice, Plan
from smartpick.errors import InputError
from smartpick.services.calendar import (
    calendar_row,
    releases_mspe,
    review_start,
    season_calendar,
)
from smartpick.services.context import pool_figures
from smartpick.services.header import report_header, step1_marks
from smartpick.services.plan import plan_report
from smartpick.services.standing import CITED_METRICS

if TYPE_CHECKING:
    from smartpick.services import Services

WHAT_IF = (230, 240, 250, 260)
# SmartPick's cited ECFMG Certification facts (build/exams_added.csv), said to IMGs.
ECFMG_FACTS = (
    "medical_science_exams",
    "clinical_communication_skills",
    "oet_medicine_minimum",
    "verified_by_rank_deadline",
    "certified_to_start",
)
SECTIONS = {
    "timing": "Timing and release",
    "application": "Application",
    "personal_statement": "Personal statement",
    "cv": "CV",
    "interviews": "Interviews",
    "letters": "Letters of recommendation",
    "breadth": "Breadth",
}


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("smartpick", "templates/advice"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # plain text, never HTML
    )
    env.filters["percent"] = lambda v: f"{v:.0%}"
    return env


def _exam_fact(services: Services, exam: str, key: str) -> Mapping[str, str] | None:
    return next(
        (r for r in services.dataset.rows("exams") if r["exam"] == exam and r["fact_key"] == key),
        None,
    )


def advise_report(
    services: Services,
    profile: Profile,
    test_date: dt.date | None = None,
    plan: Plan | None = None,
) -> Advice:
    """The advice; `plan` is the plan of the same profile when the caller already has it."""
    spec, season, header = report_header(services, profile)
    notes: list[str] = []
    if test_date is not None:
        try:
            sensible_date(test_date)
        except ValueError as exc:
            raise InputError(
                f"test date {test_date.isoformat()}: {exc}", field="test_date"
            ) from None
    when = test_date or profile.step2_date
    figures = pool_figures(services.engine, spec.key, profile.applicant_type, notes)
    median = q1 = None
    if figures is not None:
        median = figures.matched_centre
        # DO figures are means without quartiles: the first quartile of a normal with the
        # spread the standing borrows (docs/model.md).
        q1 = (
            figures.quartiles[0]
            if figures.quartiles
            else median - figures.matched_sd * (IQR_TO_SD / 2)
        )
    marks = step1_marks(services)
    situation = classify(profile, median, q1, step1_marks=marks)
    if plan is None and profile.step2 is not None:
        plan = plan_report(services, profile)
    elif profile.step2 is None:
        plan = None
    service = (plan.service if plan else None) or _service(services, spec.key, season)
    review, review_event = review_start(services, season, service)
    comlex_only = profile.step2 is None and profile.comlex2 is not None
    exam = "COMLEX-USA Level 2-CE" if comlex_only else "USMLE Step 2 CK"
    typical_row = _exam_fact(services, exam, "score_reporting_time")
    planning_row = _exam_fact(services, "USMLE Step 2 CK", "score_reporting_time_planning")
    typical = int(float(typical_row["value"])) if typical_row else 4
    planning = int(float(planning_row["value"])) if planning_row else 8
    t = timeline(when, review, review_event, typical, planning)
    listed = plan if plan is not None and plan.programs else None
    rank_deadline = _event(services, season, "NRMP", "rol_deadline", missing=None)
    step3 = _exam_fact(services, "USMLE Step 3", "h1b_steps_required")
    ecfmg = {k: _exam_fact(services, "ECFMG Certification", k) for k in ECFMG_FACTS}
    cited = _cited(services, spec.key, profile.applicant_type, figures)
    context = {
        "t": t,
        "scenario": situation.scenario,
        "modifiers": situation.modifiers,
        "img": profile.applicant_type in ("us-img", "non-us-img"),
        "visa": profile.visa,
        "applicant_type": profile.applicant_type,
        "step2": profile.step2,
        "specialty_name": spec.name,
        "exam_source": f"{exam}, exams.csv",
        "rank_deadline": rank_deadline,  # None where the calendar has no date for it
        "step3_fact": step3["fact"] if step3 else "the dataset has no Step 3 fact",
        # All of ECFMG's facts or none: a missing one is never filled in.
        "ecfmg": {k: r["value"] for k, r in ecfmg.items() if r} if all(ecfmg.values()) else None,
        "cited_median": cited["value"] if cited else None,
        "cited_what": cited["what"] if cited else "",
        "cited_source": cited["source"] if cited else "",
        "plan_n": listed.applications if listed else None,
        "plan_p": listed.p_match if listed else None,
        "plan_why": listed.recommended_applications.why
        if listed and listed.recommended_applications
        else None,
        "parallel": _parallel_line(plan),
        "passed": profile.step2 is not None
        and profile.step2_kind == "actual"
        and not any("under the passing mark" in f for f in header["flags"]),
        "failed": bool(profile.failed_attempts) or step1_failed(profile, marks),
        "rcas": service == "ResidencyCAS",
        "rcas_scores": _event(services, season, "ResidencyCAS", "score_requests_open"),
        "rcas_deadline": _event(services, season, "ResidencyCAS", "application_deadline"),
        "sloe": spec.key == SLOE_SPECIALTY,
        "mspe": _mspe(services, season) if service == "ERAS" else None,
        "cv_exams": _cv_exams(profile),
        "cv_descriptor": _cv_descriptor(profile, situation.scenario, cited, spec.name),
        "usual": round(
            services.engine.applications(
                services.resolve_specialty(profile.specialty).key,
                profile.applicant_type,
                services.fit,
            )
        ),
    }
    env = _environment()
    sources = ["exams.csv (score reporting)", "calendar.csv (review dates)"]
    if context["img"] and context["ecfmg"]:
        sources.append("exams.csv (ECFMG Certification)")
    if plan:
        sources.append("SmartPick plan for this profile (smartpick plan)")
    recommendations = _items("timing", env.get_template("timing.j2").render(context), sources)
    recommendations += _sections(env.get_template("presentation.j2").render(context), sources)
    report = {
        **header,
        "scenario": situation.scenario,
        "modifiers": list(situation.modifiers),
        "reasons": list(situation.reasons),
        "timeline": {
            "test_date": _iso(t.test_date),
            "score_expected_by": _iso(t.score_expected_by),
            "score_by_planning_margin": _iso(t.score_by_planning),
            "review_starts": t.review_starts.isoformat(),
            "review_event": t.review_event,
            "in_time_for_review": t.in_time_for_review,
            "in_time_typically": t.in_time_typical,
            "latest_safe_test_date": t.latest_safe_test_date.isoformat(),
            "latest_typical_test_date": t.latest_typical_test_date.isoformat(),
            "typical_weeks": t.typical_weeks,
            "planning_weeks": t.planning_weeks,
        },
        "recommendations": recommendations,
        "plan": None
        if plan is None
        else plan.model_dump(include={"applications", "p_match", "p_match_interval", "cost_usd"}),
        "what_if": _what_if(services, profile)
        if profile.step2 is None or profile.step2_kind == "expected"
        else [],
        "notes": notes,
    }
    return Advice.model_validate(report)


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _service(services: Services, specialty: str, season: int) -> str:
    from smartpick.core.seasons import signal_rule

    rule = signal_rule(services.dataset.rows("signals"), specialty, season)
    return rule.service if rule else "ERAS"


SLOE_SPECIALTY = "emergency_medicine"  # the specialty whose letters are SLOEs (CORD)


def _event(
    services: Services,
    season: int,
    service: str,
    key: str,
    missing: str | None = "not in SmartPick's calendar",
) -> str | None:
    """A calendar event's date in the season (projected where the calendar projects it);
    `missing` where the calendar has none."""
    row = next(
        (
            r
            for r in season_calendar(services, season)
            if r["service"] == service and r["event_key"] == key
        ),
        None,
    )
    if row is None:
        return missing
    return str(row["date"]) + (" (projected)" if row["projected"] == "true" else "")


def _mspe(services: Services, season: int) -> str | None:
    """Since the AAMC releases MSPEs with the applications (its ERAS timeline's review event
    names both), the MSPE's date is the review date; None where no such row is known."""
    found = calendar_row(services, season, releases_mspe)
    if found is None:
        return None
    row, _ = found
    return (
        f"the AAMC ERAS timeline releases applications and MSPEs to programs together "
        f"('{row['event']}', {row['match_year']} season), not on October 1"
    )


def _cv_exams(profile: Profile) -> str:
    """The exams as the CV lists them."""
    parts = []
    if profile.step1 is not None:
        step1 = profile.step1 if isinstance(profile.step1, int) else profile.step1.capitalize()
        parts.append(f"USMLE Step 1 {step1}")
    parts.append(f"USMLE Step 2 CK {profile.step2 if profile.step2 is not None else '(pending)'}")
    if profile.comlex2 is not None:
        parts.append(f"COMLEX-USA Level 2-CE {profile.comlex2}")
    return "; ".join(parts)


def _cv_descriptor(
    profile: Profile, scenario: str, cited: dict[str, Any] | None, specialty: str
) -> str | None:
    """A descriptor beside the score only where it helps: a reported score at or above the
    published centre of matched applicants; never a figure beside a score under it."""
    if cited is None or profile.step2 is None or profile.step2_kind != "actual":
        return None
    if scenario != "strong" or profile.step2 < cited["value"]:
        return None
    return (
        f"at or above the {cited['what']} in {specialty}, {round(cited['value'])}; "
        f"{cited['source']}"
    )


def _cited(
    services: Services, specialty: str, applicant_type: str, figures: Any
) -> dict[str, Any] | None:
    """The one published figure the advice may show: the centre of matched scores, cited."""
    if figures is None:
        return None
    _, _, sources = services.engine.figures
    metric = CITED_METRICS[1] if applicant_type == "do" else CITED_METRICS[0]
    source = sources.get((specialty, applicant_type, metric))
    if source is None:
        return None
    what = "mean" if applicant_type == "do" else "median"
    return {
        "value": figures.matched_centre,
        "what": f"{what} Step 2 CK of matched applicants like you in {figures.year}",
        "source": source.split(" (")[0],
    }


def _parallel_line(plan: Plan | None) -> str | None:
    if plan is None or plan.parallel is None:
        return None
    parallel = plan.parallel
    if parallel.get("available"):
        split = parallel["split"]
        return (
            f"A parallel plan with {parallel['backup']} ({split['preferred']} + "
            f"{split['backup']} programs) gives {parallel['p_preferred']:.0%} in the "
            f"preferred specialty and {parallel['p_any']:.0%} of matching at all."
        )
    if parallel.get("needed"):
        return str(parallel.get("why"))
    return None


def _items(section: str, text: str, sources: list[str]) -> list[dict[str, Any]]:
    out = []
    for line in (x.strip() for x in text.splitlines()):
        if not line:
            continue
        data = line.startswith("data:")
        out.append(
            {
                "section": section,
                "text": line.removeprefix("data:").strip(),
                "kind": "from the data" if data else "general advice",
                "sources": sources if data else [],
            }
        )
    return out


def _sections(text: str, sources: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    section = "general"
    buffer: list[str] = []
    for line in [*text.splitlines(), "## end"]:
        if line.startswith("## "):
            out += _items(section, "\n".join(buffer), sources)
            section, buffer = line[3:].strip(), []
        else:
            buffer.append(line)
    return out


def _what_if(services: Services, profile: Profile) -> list[dict[str, Any]]:
    """The chance of matching and the recommended applications for a range of scores."""
    out = []
    for score in WHAT_IF:
        trial = profile.model_copy(update={"step2": score, "step2_kind": "expected"})
        plan = plan_report(services, trial)
        if not plan.programs or plan.p_match is None or plan.applications is None:
            continue
        out.append(
            {
                "step2": score,
                "p_match": plan.p_match,
                "recommended_applications": plan.applications,
            }
        )
    return out
