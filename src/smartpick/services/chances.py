"""The chances use case: every program's interview and match probability for one profile.

It gathers the profile's cells (type, in-state or not, signals of the planned season), the
fitted parameters and the program rates, evaluates the model (core.model, core.model.outcomes) and
says, on the output, every assumption the numbers rest on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from smartpick.core.catalog import IDS_HINT, exclusion, visa_fit
from smartpick.core.model.evaluation import (
    DRAWS,
    Array,
    Context,
    Draw,
    DrawInputs,
    columns95,
    evaluate,
    interval95,
    list_outcomes,
    matrices,
    program_vectors,
    tier_counts,
    typical_chance,
)
from smartpick.core.model.interview import (
    TYPES,
    ProgramRates,
    carry_over,
)
from smartpick.core.model.parameters import (
    Pool,
)
from smartpick.core.model.standing import Figures
from smartpick.core.plan.report import interviews_10_90
from smartpick.core.profile import APPLICANT_TYPES, Profile
from smartpick.core.results import Chances
from smartpick.core.seasons import signal_rule
from smartpick.data.engine import BORROWED, EngineData
from smartpick.errors import InputError
from smartpick.services.header import report_header

if TYPE_CHECKING:
    from smartpick.services import Services

GAP_NOTE = 0.05  # a model-to-published gap larger than this is said on the output
# Used where the program rates have no column for a signal tier of the planned season: the
# lowest published odds ratio of a program signal (2023 supplemental ERAS data, 9 specialties),
# because raw ratios overstate the causal effect (METHODS §3.3). Read from evidence.csv.
SIGNAL_PRIOR = "interview invitation odds ratio: program signal sent"
AWAY_PRIOR = "interview odds ratio: away rotation"
# Which profile fields the program-level model uses, and how; every other field is listed as
# "not modelled" on the output (docs/model.md says why, field by field).
USED = {
    "specialty": "the programs and their published interview rates",
    "applicant_type": "each program's rate for the type; the type's fitted parameters",
    "step2": "the applicant's strength (without it, the pool's spread of strengths)",
    "school_state": "in-state or out-of-state rates at each program",
    "visa": "programs that do not sponsor the visa are excluded",
    "away_rotations": "a prior odds ratio on the interview at those programs",
    "season": "the signal tiers and counts of the season",
}


@dataclass(frozen=True)
class Priors:
    signal_log_or: float
    signal_source: str
    away_log_or: float
    away_source: str


def priors(rows: Sequence[Mapping[str, str]]) -> Priors:
    def find(quantity: str) -> Mapping[str, str]:
        return next(r for r in rows if r["quantity"] == quantity)

    sig, away = find(SIGNAL_PRIOR), find(AWAY_PRIOR)
    return Priors(
        math.log(float(sig["value_low"])),
        f"odds ratio {sig['value_low']} ({sig['citation']}; the lowest of the published "
        f"range {sig['value_low']}-{sig['value_high']})",
        math.log(float(away["value_low"])),
        f"odds ratio {away['value_low']} ({away['citation']}, {away['specialty']} only; "
        "confounded: applicants rotate where they are already strong)",
    )


def chances_report(
    services: Services, profile: Profile, apply_to: Sequence[str] = (), limit: int | None = None
) -> Chances:
    """Per-program probabilities for the profile; P(match) for the typical list and for the
    programs in `apply_to` ("ACGME id" or "ACGME id:tier" for a signaled one) when given."""
    spec, season, header = report_header(services, profile)
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


def pool_figures(
    engine: EngineData, specialty: str, applicant_type: str, notes: list[str]
) -> Figures | None:
    """The score figures of the applicant's pool, with the fallbacks said."""
    figures, reasons = engine.figures_for(specialty, applicant_type)
    if figures is not None:
        notes.extend(figures.notes)
        return figures
    fallback = {"do": "md", "us-img": "non-us-img"}.get(applicant_type)
    if fallback is not None:
        figures, _ = engine.figures_for(specialty, fallback)
        if figures is not None:
            notes.append(
                f"{'; '.join(reasons)}: the score scale of {APPLICANT_TYPES[fallback]}s in the "
                "specialty is used instead"
            )
            return figures
    notes.extend(reasons)
    return None


def build_context(
    services: Services, profile: Profile, specialty: str, season: int, notes: list[str]
) -> Context | None:
    engine = services.engine
    inputs = engine.inputs(specialty)
    if inputs is None:
        notes.append(
            "the dataset has no program interview rates for this specialty: no "
            "program-level chances"
        )
        return None
    g = profile.applicant_type
    fitted = BORROWED.get(g, g)
    if fitted != g:
        notes.append(
            f"no Step 2 CK figures for {APPLICANT_TYPES[g]}s: the parameters fitted for "
            f"{APPLICANT_TYPES[fitted]}s are used, with the program rates of {g}"
        )
    fit = services.fit
    params = fit.for_cell(specialty, fitted)
    if specialty not in fit.offsets:
        notes.append("the specialty had no calibration target: its conversion is the type's")
    figures = pool_figures(engine, specialty, g, notes)
    if figures is None:
        return None
    # The cells' notes name every type's missing rates: keep the applicant's own.
    others = [f"no {t} rate" for t in TYPES if t != g]
    notes.extend(n for n in inputs.cells.notes if not any(o in n for o in others))
    programs = [services.programs_by_id[i] for i in inputs.rates.ids]
    if profile.school_state is None:
        notes.append("no medical school state: every program is taken as out-of-state")
    tiers, counts = _signals(services, engine, inputs.rates, specialty, season, notes)
    rule = signal_rule(services.dataset.rows("signals"), specialty, season)
    planned = tier_counts(rule.gold, rule.silver, rule.single_tier) if rule else {}
    service = rule.service if rule else "ERAS"
    if rule is None:
        notes.append(
            "the dataset lists no application service or signals for the specialty: "
            "ERAS fees and no signals are assumed"
        )
    cells = inputs.cells if counts is None else carry_over(inputs.rates, inputs.cells, *counts)
    pri = services.priors
    away_ids = set(profile.away_rotations)
    in_state, away, allowed = program_vectors(
        programs, profile.school_state, away_ids, pri.away_log_or, profile.visa
    )
    if away_ids:
        notes.append(
            f"away rotations raise the odds of an interview by the prior {pri.away_source}"
        )
        unknown = away_ids - set(inputs.rates.ids)
        if unknown:
            notes.append(
                "away rotations not among the specialty's programs are ignored: "
                + ", ".join(sorted(unknown))
            )
    if profile.home_program is not None:
        notes.append("home program: not modelled (no published effect size in the dataset)")
    independent = sum(p.entry_level == "independent" for p in programs)
    if independent:
        notes.append(
            f"{independent} independent programs (entered after other training) are "
            "excluded: a graduating student cannot enter them"
        )
    if profile.visa != "none":
        unknown_visa = sum(visa_fit(p, profile.visa) == "unknown" for p in programs)
        notes.append(
            f"visa policy unknown for {unknown_visa} of {len(programs)} programs "
            "(the dataset has it for Internal Medicine only): they are kept"
        )
    return Context(
        specialty,
        g,
        params,
        Pool.from_figures(figures),
        inputs.rates,
        cells,
        programs,
        in_state,
        tiers,
        planned,
        service,
        counts,
        figures.match_share,
        away,
        allowed,
        notes,
    )


def _signals(
    services: Services,
    engine: EngineData,
    rates: ProgramRates,
    specialty: str,
    season: int,
    notes: list[str],
) -> tuple[dict[str, float | None], tuple[dict[str, int], dict[str, int]] | None]:
    """The planned season's tiers: the program's own effect where the rates have the tier
    (carried over to the season's counts), the evidence prior where they do not."""
    rule = signal_rule(services.dataset.rows("signals"), specialty, season)
    now = tier_counts(rule.gold, rule.silver, rule.single_tier) if rule else {}
    then = engine.signals_then(specialty)
    tiers: dict[str, float | None] = {
        t: None if t in rates.tiers else services.priors.signal_log_or for t in now
    }
    prior_only = [t for t, v in tiers.items() if v is not None]
    if prior_only:
        notes.append(
            f"signals: the {rates.season} program rates have no column for "
            + ", ".join(prior_only)
            + f"; the effect is a prior only, the {services.priors.signal_source}"
        )
    own = [t for t in now if t in rates.tiers]
    if not own or all(now.get(t) == then.get(t) for t in own):
        return tiers, None
    if any(t not in then for t in own):
        notes.append(
            f"signals: the dataset has no signal count for {rates.season}, the season of the "
            "program rates, so they cannot be carried over to this season's count; the "
            f"{rates.season} effects are used as they are"
        )
        return tiers, None
    notes.append(
        f"signals: the program rates are from {rates.season} ("
        + ", ".join(f"{then.get(t, '?')} {t}" for t in own)
        + f"); {season} has "
        + ", ".join(f"{now[t]} {t}" for t in own)
        + ". Each program's signal odds ratio is kept and its interviews held fixed, so the "
        "rate without a signal moves with the share who signal (METHODS §3.3, dilution)"
    )
    return tiers, (then, now)


def parameter_draws(services: Services, ctx: Context) -> list[Draw]:
    """The draws behind the intervals (core.model.evaluation.make_draws), made once per
    session for the specialty, the type and the season's signals."""

    def inputs() -> DrawInputs:
        engine, fit = services.engine, services.fit
        g = BORROWED.get(ctx.applicant_type, ctx.applicant_type)
        return DrawInputs(
            fit,
            g,
            engine.published_applications(ctx.specialty, g).share_key,
            engine.applications(ctx.specialty, ctx.applicant_type, fit),
            engine.type_shares(ctx.specialty),
            engine.signals_then(ctx.specialty),
            engine.location_cap,
        )

    return services.evaluator.draws(ctx, inputs)


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
            f" ({share:.0%} of their applications to every specialty, a share SmartPick fits "
            "to the published figures on interviews)"
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
