"""The standing use case: where a profile's Step 2 CK stands in its specialty."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smartpick.core.model.concordance import PAIRED_SOURCE
from smartpick.core.model.standing import Figures, figures_for
from smartpick.core.model.standing_interval import seeded_standing
from smartpick.core.profile import APPLICANT_TYPES, Profile
from smartpick.services.header import report_header
from smartpick.services.scores import scored

if TYPE_CHECKING:
    from smartpick.services import Services

# Which profile fields the standing uses, and how; every other field is "not modelled" here.
USED = {
    "specialty": "chooses the Charting Outcomes figures",
    "applicant_type": "chooses the Charting Outcomes figures",
    "step2": "the score whose standing is computed",
    "comlex2": "for a DO student with no Step 2 CK: its Step 2 CK equivalent by percentile",
    "season": "named on the output; the figures are the latest published",
}
SCORE_METRICS = (
    "step2_matched_q1", "step2_matched_median", "step2_matched_q3", "step2_matched_mean",
    "step2_not_matched_median", "step2_not_matched_mean", "step2_matched_consented_n",
    "step2_not_matched_consented_n",
)  # fmt: skip
SHARE_METRICS = ("matched_n", "not_matched_n", "ranked_first_n", "preferred_specialty_match_rate")
# The explicit exception to `derive` (docs/data.md): the one published figure shown beside a
# standing, with its citation.
CITED_METRICS = ("step2_matched_median", "step2_matched_mean")


def standing_report(services: Services, profile: Profile) -> dict[str, Any]:
    scoring = scored(services, profile)
    profile, eq = scoring.profile, scoring.equivalent
    spec, _, header = report_header(services, profile)
    if scoring.flag:
        header["flags"].insert(0, scoring.flag)
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
        if eq is not None:  # the interval widened over the equivalent's range
            report["sources"].append(PAIRED_SOURCE)
            ends = [typical_standing(services, profile.model_copy(update={"step2": x}))
                    for x in (eq.low, eq.high)]  # fmt: skip
            if ends[0] is not None and ends[1] is not None:
                report["p_match_interval"] = [
                    round(min(ends[0]["p_match_interval"][0], report["p_match_interval"][0]), 3),
                    round(max(ends[1]["p_match_interval"][1], report["p_match_interval"][1]), 3),
                ]
    if figures is None:
        return report
    result = seeded_standing(profile.step2, figures)
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
