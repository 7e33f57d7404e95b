"""The chances use case: every program's interview and match probability for one profile.

It gathers the profile's cells (type, in-state or not, signals of the planned season), the
fitted parameters and the program rates, evaluates the model (core.model, core.model.outcomes) and
says, on the output, every assumption the numbers rest on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smartpick.core.catalog import IDS_HINT, exclusion, visa_fit
from smartpick.core.model.evaluation import (
    DRAWS,
    Array,
    Context,
    Draw,
    columns95,
    evaluate,
    interval95,
    list_outcomes,
    matrices,
    typical_chance,
)
from smartpick.core.plan.report import interviews_10_90
from smartpick.core.profile import APPLICANT_TYPES, Profile
from smartpick.core.results import Chances
from smartpick.errors import InputError
from smartpick.services.context import build_context, parameter_draws
from smartpick.services.header import report_header
from smartpick.services.scores import scored

if TYPE_CHECKING:
    from smartpick.services import Services

GAP_NOTE = 0.05  # a model-to-published gap larger than this is said on the output
# Which profile fields the program-level model uses, and how; every other field is listed as
# "not modelled" on the output (docs/model.md says why, field by field).
USED = {
    "specialty": "the programs and their published interview rates",
    "applicant_type": "each program's rate for the type; the type's fitted parameters",
    "step2": "the applicant's strength (without it, the pool's spread of strengths)",
    "comlex2": "for a DO student with no Step 2 CK: its Step 2 CK equivalent by percentile",
    "school_state": "in-state or out-of-state rates at each program",
    "visa": "programs that do not sponsor the visa are excluded",
    "away_rotations": "a prior odds ratio on the interview at those programs",
    "season": "the signal tiers and counts of the season",
}


def chances_report(
    services: Services, profile: Profile, apply_to: Sequence[str] = (), limit: int | None = None
) -> Chances:
    """Per-program probabilities for the profile; P(match) for the typical list and for the
    programs in `apply_to` ("ACGME id" or "ACGME id:tier" for a signaled one) when given."""
    scoring = scored(services, profile)
    profile = scoring.profile
    spec, season, header = report_header(services, profile)
    if scoring.flag:
        header["flags"].insert(0, scoring.flag)
    report: dict[str, Any] = {
        **header,
        "programs": [],
        "used": USED,
        "not_modelled": [f for f in Profile.model_fields if f not in USED],
        "notes": [],
    }
    if profile.step2 is not None and profile.step2_kind == "expected":
        report["notes"].append(
            "the Step 2 CK score is an expected one: it is used as if it "
            "were the real score (its own uncertainty is not modelled)"
        )
    if header["retake"] is not None:
        report["notes"].append(
            "the Step 2 CK score is under the passing mark: no chances are given until you "
            "have a passing score (see the retake path)"
        )
        return Chances.model_validate(report)
    ctx = build_context(services, profile, spec.key, season, report["notes"])
    if ctx is None:
        return Chances.model_validate(report)
    chosen = _parse_list(ctx, apply_to)
    point = Draw(ctx.params, ctx.cells)
    draws = parameter_draws(services, ctx)
    score = profile.step2
    p_none, p_tiers, f_none = services.evaluator.evaluate(ctx, point, score)
    evaluated = [evaluate(ctx, d, score, matrices) for d in draws]
    p_low, p_high = columns95([e[0] for e in evaluated])
    f_low, f_high = columns95([e[2] for e in evaluated])
    report["model"] = {
        "parameters": {
            "score_weight": ctx.params.score_weight,
            "spread": ctx.params.spread,
            "conversion": ctx.params.conversion,
        },
        "fitted": services.parameters["fitted_on"],
        "rates_season": ctx.rates.season,
        "intervals": f"2.5th-97.5th percentile over {DRAWS} draws of the fitted parameters "
        "(their Laplace covariance) and of each published rate within its rounding",
    }
    rows = []
    for j, program in enumerate(ctx.programs):
        row: dict[str, Any] = {
            "acgme_id": program.acgme_id,
            "name": program.name,
            "city": program.city,
            "state": program.state,
            "in_state": bool(ctx.in_state[j]),
            "p_interview": _r(p_none[j]),
            "p_interview_interval": [_r(p_low[j]), _r(p_high[j])],
            "p_interview_signal": {t: _r(p[j]) for t, p in p_tiers.items()},
            "p_match_standalone": _r(f_none[j]),
            "p_match_standalone_interval": [_r(f_low[j]), _r(f_high[j])],
            "visa_fit": visa_fit(program, profile.visa),
        }
        why = exclusion(program, profile.visa)
        if why is not None:
            row["excluded"] = why
        rows.append(row)
    rows.sort(key=lambda r: (r.get("excluded") is not None, -r["p_match_standalone"]))
    report["programs"] = rows[:limit] if limit else rows
    report["typical"] = _typical(services, ctx, point, draws, score)
    if chosen:
        report["list"] = _list(ctx, point, draws, chosen, score)
    return Chances.model_validate(report)


@dataclass(frozen=True)
class ProgramChances:
    """Point estimates for every program of a specialty, in the dataset's order."""

    ids: tuple[str, ...]
    p_interview: Array
    p_interview_signal: dict[str, Array]
    p_match_standalone: Array
    notes: list[str]


def program_chances(services: Services, profile: Profile) -> ProgramChances | None:
    """Every program's P(interview) and stand-alone P(match) for the profile, without
    intervals: the fast path the optimizer and the benchmarks use."""
    spec = services.resolve_specialty(profile.specialty)
    season = (
        profile.season if services.config.season is None and profile.season else (services.season)
    )
    notes: list[str] = []
    ctx = build_context(services, profile, spec.key, season, notes)
    if ctx is None:
        return None
    p, tiers, f = services.evaluator.evaluate(ctx, Draw(ctx.params, ctx.cells), profile.step2)
    return ProgramChances(ctx.rates.ids, p, tiers, f, notes)


def _r(value: float) -> float:
    return round(float(value), 4)


def _interval(values: Sequence[float]) -> list[float]:
    return [_r(v) for v in interval95(values)]


def _typical(
    services: Services, ctx: Context, point: Draw, draws: Sequence[Draw], score: int | None
) -> dict[str, Any]:
    """The model's chance for a typical applicant of the type with this score: the number the
    standing's published curve gives, now from the programs' rates."""
    h = services.engine.applications(ctx.specialty, ctx.applicant_type, services.fit)
    # How far the model's average over the pool is from the published match share: said when
    # it is more than 5 points (docs/validation.md lists every cell).
    gap = typical_chance(ctx, point, h, None, ranked=True) - ctx.share
    if abs(gap) > GAP_NOTE:
        ctx.notes.append(
            f"for {APPLICANT_TYPES[ctx.applicant_type]}s in this specialty the model's average "
            f"chance of matching is {gap * 100:+.0f} points from the published share "
            "(docs/validation.md): read these numbers with that in mind"
        )
    # The typical lists do not depend on the score: made once per session and draw.
    lists = services.evaluator.typical_lists(ctx, draws, h)
    return {
        "p_match": _r(typical_chance(ctx, point, h, score)),
        "p_match_interval": _interval(
            [
                typical_chance(ctx, d, d.applications or h, score, typical=t)
                for d, t in zip(draws, lists, strict=True)
            ]
        ),
        "applications": round(min(h, len(ctx.programs)), 1),
        "meaning": f"applies to about {min(h, len(ctx.programs)):.0f} programs of the specialty "
        "as applicants of the type do (where applicants like them are interviewed) and sends "
        "every signal the season allows, spread over the list",
    }


def typical_standing(services: Services, profile: Profile) -> dict[str, Any] | None:
    """The chance of matching of a typical applicant of the profile's type and score: the
    standing's headline, from the same model as every plan (None where the specialty has no
    program rates)."""
    spec, season, _ = report_header(services, profile)
    notes: list[str] = []
    ctx = build_context(services, profile, spec.key, season, notes)
    if ctx is None:
        return None
    point = Draw(ctx.params, ctx.cells)
    draws = parameter_draws(services, ctx)
    typical = _typical(services, ctx, point, draws, profile.step2)
    typical["list"] = typical_applications(services, ctx)
    typical["notes"] = notes
    return typical


def typical_applications(services: Services, ctx: Context) -> dict[str, Any]:
    """How many programs of the specialty a typical applicant of the type applies to, and
    from what published figure (with the share of it fitted to go to the specialty, where the
    figure counts every specialty)."""
    count = services.engine.published_applications(ctx.specialty, ctx.applicant_type)
    n = services.engine.applications(ctx.specialty, ctx.applicant_type, services.fit)
    share = None if count.own else services.fit.share(count.share_key, ctx.specialty)
    return {
        "applications": round(n, 1),
        "share": None if share is None else round(share, 4),
        "source": count.source,
        "meaning": f"{APPLICANT_TYPES[ctx.applicant_type]}s apply to about {n:.0f} programs of "
        "the specialty"
        + (
            f" ({share:.0%} of the {count.value:.0f} applications they send in all, ERAS "
            f"{count.year}: no count for the specialty alone is published, and this share is "
            "SmartPick's estimate, fitted with the rest of its model to the published match "
            "figures)"
            if share is not None
            else ""
        ),
    }


def _parse_list(ctx: Context, entries: Sequence[str]) -> list[tuple[int, str | None]]:
    index = {p.acgme_id: j for j, p in enumerate(ctx.programs)}
    out: list[tuple[int, str | None]] = []
    for entry in entries:
        pid, _, tier = entry.partition(":")
        pid = pid.strip()
        if pid not in index:
            raise InputError(
                f"program '{pid}' is not among the {len(index)} programs of the specialty with "
                "interview rates",
                field="apply",
                hint=IDS_HINT,
            )
        if tier and tier not in ctx.tiers:
            allowed = ", ".join(ctx.tiers) or "none this season"
            raise InputError(
                f"signal '{tier}' for {pid} is not a tier of the season",
                field="apply",
                hint=f"Tiers: {allowed}.",
            )
        out.append((index[pid], tier or None))
    return out


def _list(
    ctx: Context,
    point: Draw,
    draws: Sequence[Draw],
    chosen: Sequence[tuple[int, str | None]],
    score: int | None,
) -> dict[str, Any]:
    """P(match) and the rest of METHODS §1.3 for the programs given, in the order given."""
    result = list_outcomes(ctx, point, chosen, score)
    spread = [list_outcomes(ctx, d, chosen, score).p_match for d in draws]
    return {
        "p_match": _r(result.p_match),
        "p_match_interval": _interval(spread),
        "expected_interviews": round(result.expected_interviews, 2),
        "interviews_10_90": list(interviews_10_90(result.interviews_pmf)),
        "programs": [
            {
                "acgme_id": ctx.programs[j].acgme_id,
                "signal": t,
                "p_interview": _r(result.p_interview[k]),
                "p_end_up": _r(result.p_end_up[k]),
                "leave_one_out": _r(result.leave_one_out[k]),
            }
            for k, (j, t) in enumerate(chosen)
        ],
        "order": "the order given is taken as the order of preference",
    }
