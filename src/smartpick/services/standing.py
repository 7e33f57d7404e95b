"""The standing use case: where a profile's Step 2 CK stands in its specialty."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from smartpick.core.profile import (
    APPLICANT_TYPES,
    Profile,
    below_passing,
    parse_profile,
    profile_flags,
)
from smartpick.core.seasons import signal_rule
from smartpick.core.standing import Figures, figures_for, standing

if TYPE_CHECKING:
    from smartpick.core.catalog import Specialty
    from smartpick.services import Services

# Which profile fields the standing uses, and how; every other field is "not modelled" here.
USED = {
    "specialty": "chooses the Charting Outcomes figures",
    "applicant_type": "chooses the Charting Outcomes figures",
    "step2": "the score whose standing is computed",
    "season": "named on the output; the figures are the latest published",
}
_CONFIDENCE = {"primary": 0, "secondary": 1, "unverified": 2}
SCORE_METRICS = (
    "step2_matched_q1", "step2_matched_median", "step2_matched_q3", "step2_matched_mean",
    "step2_not_matched_median", "step2_not_matched_mean", "step2_matched_consented_n",
    "step2_not_matched_consented_n",
)  # fmt: skip
SHARE_METRICS = ("matched_n", "not_matched_n", "ranked_first_n", "preferred_specialty_match_rate")
# The explicit exception to `derive` (docs/data.md): the one published figure shown beside a
# standing, with its citation.
CITED_METRICS = ("step2_matched_median", "step2_matched_mean")
SEED = 20261125  # the bootstrap of the interval is seeded: the same inputs, the same output


def figures_table(
    rows: list[dict[str, str]],
) -> tuple[
    dict[tuple[str, str], dict[str, float]],
    dict[tuple[str, str], int],
    dict[tuple[str, str, str], str],
]:
    """Per (specialty, type): the latest year's figures, the stronger source where two
    transcriptions give one figure; and the source of each figure used."""
    latest: dict[tuple[str, str], int] = {}
    for r in rows:
        if r["year"]:
            key = (r["specialty_key"], r["applicant_type"])
            latest[key] = max(latest.get(key, 0), int(r["year"]))
    chosen: dict[tuple[str, str, str], dict[str, str]] = {}
    for r in rows:
        key = (r["specialty_key"], r["applicant_type"])
        if not r["year"] or int(r["year"]) != latest[key]:
            continue
        slot = (*key, r["metric"])
        best = chosen.get(slot)
        if best is None or _CONFIDENCE[r["confidence"]] < _CONFIDENCE[best["confidence"]]:
            chosen[slot] = r
    table: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    sources: dict[tuple[str, str, str], str] = {}
    for (spec, atype, metric), r in chosen.items():
        table[(spec, atype)][metric] = float(r["value"])
        sources[(spec, atype, metric)] = f"{r['report']} ({r['source']}; {r['confidence']})"
    return dict(table), latest, sources


def standing_report(services: Services, profile: Profile) -> dict[str, Any]:
    spec, _, header = report_header(services, profile)
    table, years, sources = services.engine.figures  # read once per session
    figures, reasons = figures_for(table, years, spec.key, profile.applicant_type)
    report: dict[str, Any] = {
        **header,
        "p_match": None,
        "p_match_interval": None,
        "basis": None,
        "score_percentile_matched": None,
        "score_percentile_unmatched": None,
        "reasons": reasons,
        "used": USED,
        "not_modelled": [f for f in Profile.model_fields if f not in USED],
        "applies_as": (
            f"an applicant who applies as {APPLICANT_TYPES[profile.applicant_type]}s who "
            "preferred the specialty did (their usual number of applications and signals)"
        ),
        "sources": [],
    }
    if figures is not None:
        report["figures_year"] = figures.year
        group = _group(figures, spec.key, profile.applicant_type)
        centre = CITED_METRICS[1] if profile.applicant_type == "do" else CITED_METRICS[0]
        used = [
            *[(*group, m) for m in SCORE_METRICS],
            *[(spec.key, profile.applicant_type, m) for m in SHARE_METRICS],
            *[(spec.key, "md", m) for m in ("step2_matched_q1", "step2_matched_q3")
              if profile.applicant_type == "do"],
        ]  # fmt: skip
        report["sources"] = sorted({sources[k] for k in used if k in sources})
        pooled = group[0] == "all"
        report["cited"] = _cited(figures, profile.applicant_type, sources[(*group, centre)], pooled)
    if header["retake"] is not None:
        report["reasons"].append("the score is under the passing mark: no chance is given")
        return report
    if profile.step2 is None:
        report["reasons"].append("no Step 2 CK score yet: add your score or an expected one")
        return report
    from smartpick.services.chances import typical_standing  # the engine imports SciPy

    typical = typical_standing(services, profile)
    if typical is not None:
        report["basis"] = "model"
        report["p_match"] = round(typical["p_match"], 3)
        report["p_match_interval"] = [round(v, 3) for v in typical["p_match_interval"]]
        share = typical["list"]["share"]
        report["applies_as"] = (
            f"an applicant who applies to about {typical['applications']:.0f} programs of the "
            f"specialty, as {APPLICANT_TYPES[profile.applicant_type]}s do, where applicants "
            "like them are interviewed"
        )
        report["sources"].append(
            f"{typical['list']['source']}"
            + (f"; {share:.0%} of it taken as going to the specialty (fitted)" if share else "")
        )
        report["typical"] = typical
        report["reasons"] += [n for n in typical["notes"] if n not in report["reasons"]]
    if figures is None:
        return report
    result = standing(profile.step2, figures, np.random.default_rng(SEED))
    report["reasons"] += result.reasons
    if typical is None and result.p_match is not None:
        report["basis"] = "published curve"
        report["p_match"] = round(result.p_match, 3)
        if result.interval is not None:
            report["p_match_interval"] = [round(v, 3) for v in result.interval]
        report["reasons"].append(
            "the specialty has no program interview rates: the chance is the published curve "
            "of applicants who ranked at least one program (not counting those with no "
            "interview), so it is likely higher than yours"
        )
    report["score_percentile_matched"] = _round(result.percentile_matched)
    report["score_percentile_unmatched"] = _round(result.percentile_unmatched)
    if result.percentile_unmatched is None:
        report["reasons"].append("score_percentile_unmatched: no unmatched figures are published")
    if profile.step2_kind == "expected":
        report["reasons"].append(
            "the score is an expected one; its own uncertainty is not modelled (no source gives "
            "how far real scores fall from expected ones)"
        )
    return report


def report_header(services: Services, profile: Profile) -> tuple[Specialty, int, dict[str, Any]]:
    """The specialty, the season (a --season flag beats the profile's, which beats the
    default) and the fields every profile report opens with."""
    spec = services.resolve_specialty(profile.specialty)
    season = (
        profile.season if services.config.season is None and profile.season else services.season
    )
    header = {
        "season": season,
        "specialty": spec.key,
        "specialty_name": spec.name,
        "applicant_type": profile.applicant_type,
        "step2": profile.step2,
        "flags": flags_for(services, profile, season),
        "retake": retake_path(services, profile, season, spec.key),
    }
    return spec, season, header


# The USMLE's rules on repeating a Step (how often, how many times) change; SmartPick's data
# do not hold the current ones, so the retake path points to them instead of stating them.
REPEAT_RULES = (
    "the USMLE limits how often and how many times a Step may be repeated (for example, no more "
    "than three attempts at the same Step within 12 months: ECFMG, 'New Rules on Repeating "
    "USMLE Examinations', 2012); check the current rules on usmle.org before you schedule"
)


def retake_path(
    services: Services, profile: Profile, season: int, specialty: str
) -> dict[str, Any] | None:
    """For a Step 2 CK score under the passing mark: no chance of matching is given, and this
    path instead (None when the score passes or there is none)."""
    below = below_passing(profile, _passing(services), services.config.today)
    if below is None:
        return None
    mark, on = below
    from smartpick.services.calendar import review_start  # the calendar reads the dataset

    rule = signal_rule(services.dataset.rows("signals"), specialty, season)
    review, event = review_start(services, season, rule.service if rule else "ERAS")
    facts = {
        r["fact_key"]: r for r in services.dataset.rows("exams") if r["exam"] == "USMLE Step 2 CK"
    }
    typical = int(float(facts["score_reporting_time"]["value"]))
    planning = int(float(facts["score_reporting_time_planning"]["value"]))
    latest = review - dt.timedelta(weeks=planning)
    return {
        "score": profile.step2,
        "passing_mark": mark,
        "on": on.isoformat(),
        "steps": [
            f"Step 2 CK {profile.step2} is under the passing mark of {mark} (in force on "
            f"{on.isoformat()}): it is a failed attempt, and SmartPick gives no chance of "
            "matching until you have a passing score.",
            f"Retake Step 2 CK. Results typically arrive within {typical} weeks; allow "
            f"{planning}. To have the new score in when programs start reviewing "
            f"({review.isoformat()}, {event}), test by {latest.isoformat()}.",
            "Programs that already have your transcript see a new score only if you resend it "
            "('Resend My Scores' in MyERAS).",
            f"Before you schedule: {REPEAT_RULES}.",
            "Then come back with the new score: SmartPick will give your chances and a list.",
        ],
        "sources": [
            "exams.csv (passing marks, score reporting, ERAS transcript)",
            f"calendar.csv ({event})",
        ],
    }


def _passing(services: Services) -> list[tuple[dt.date, int]]:
    return [
        (dt.date.fromisoformat(r["effective_date"]), int(r["value"]))
        for r in services.dataset.rows("exams")
        if r["exam"] == "USMLE Step 2 CK" and r["fact_key"] == "min_passing_score"
        and r["effective_date"]
    ]  # fmt: skip


def flags_for(services: Services, profile: Profile, season: int) -> list[str]:
    """The warnings a profile carries (a score under the passing mark of its date, a
    graduate outside the calibrated population, no score)."""
    return profile_flags(profile, season, _passing(services), services.config.today)


def _group(figures: Figures, specialty: str, applicant_type: str) -> tuple[str, str]:
    """The (specialty, type) whose score figures the curve uses: the pooled row if so."""
    pooled = any("pooled" in note for note in figures.notes)
    return ("all", applicant_type) if pooled else (specialty, applicant_type)


def _cited(figures: Figures, applicant_type: str, source: str, pooled: bool) -> dict[str, Any]:
    """The one published figure shown beside the standing: the centre of matched scores."""
    what = "median" if applicant_type != "do" else "mean"
    where = "(all specialties pooled)" if pooled else "who preferred the specialty"
    return {
        "matched_step2_centre": {
            "value": figures.matched_centre,
            "what": f"{what} Step 2 CK of matched {APPLICANT_TYPES[applicant_type]}s "
            f"{where}, {figures.year}",
            "source": source,
        }
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def standing_for(profile: Profile | Mapping[str, Any], season: int | None = None) -> dict[str, Any]:
    """The standing of a profile, with the default settings (the Python interface)."""
    from smartpick.services import Services
    from smartpick.settings import load_config

    checked = profile if isinstance(profile, Profile) else parse_profile(dict(profile))
    services = Services(load_config({"season": None if season is None else str(season)}))
    return standing_report(services, checked)
