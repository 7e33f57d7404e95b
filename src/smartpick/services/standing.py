"""The standing use case: where a profile's Step 2 CK stands in its specialty."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from smartpick.core.profile import APPLICANT_TYPES, Profile, parse_profile, profile_flags
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
    table, years, sources = figures_table(services.dataset.rows("specialty_figures"))
    figures, reasons = figures_for(table, years, spec.key, profile.applicant_type)
    report: dict[str, Any] = {
        **header,
        "p_match": None,
        "p_match_interval": None,
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
    if figures is None:
        return report
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
    if profile.step2 is None:
        report["reasons"].append("no Step 2 CK score: give --step2 or --step2-expected")
        return report
    result = standing(profile.step2, figures, np.random.default_rng(SEED))
    report["reasons"] += result.reasons
    report["p_match"] = round(result.p_match, 3) if result.p_match is not None else None
    if result.interval is not None:
        report["p_match_interval"] = [round(v, 3) for v in result.interval]
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
    }
    return spec, season, header


def flags_for(services: Services, profile: Profile, season: int) -> list[str]:
    """The warnings a profile carries (a score under the passing mark of its date, a
    graduate outside the calibrated population, no score)."""
    passing = [
        (dt.date.fromisoformat(r["effective_date"]), int(r["value"]))
        for r in services.dataset.rows("exams")
        if r["exam"] == "USMLE Step 2 CK" and r["fact_key"] == "min_passing_score"
        and r["effective_date"]
    ]  # fmt: skip
    return profile_flags(profile, season, passing, services.config.today)


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
