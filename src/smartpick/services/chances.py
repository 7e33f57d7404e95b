"""The chances use case: every program's interview and match probability for one profile.

It gathers the profile's cells (type, in-state or not, signals of the planned season), the
fitted parameters and the program rates, evaluates the model (core.model, core.outcomes) and
says, on the output, every assumption the numbers rest on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from smartpick.core.calibration import typical_applicant
from smartpick.core.catalog import Program
from smartpick.core.interview import (
    TYPES,
    CellRates,
    ProgramRates,
    anchor,
    carry_over,
    cell_rates,
)
from smartpick.core.model import (
    Params,
    Pool,
    Typical,
    conversion,
    interview,
    outlook,
    strength,
    variance,
)
from smartpick.core.outcomes import normal_nodes, outcomes
from smartpick.core.profile import APPLICANT_TYPES, Profile
from smartpick.core.seasons import signal_rule
from smartpick.core.standing import Figures
from smartpick.errors import InputError
from smartpick.services.engine import BORROWED, EngineData
from smartpick.services.header import report_header

if TYPE_CHECKING:
    from smartpick.services import Services

Array = NDArray[np.float64]
DRAWS = 64  # parameter and rounding draws behind each interval
SEED = 20261126
GAP_NOTE = 0.05  # a model-to-published gap larger than this is said on the output
ROUND_HALF = 0.005  # a published two-decimal rate lies within this of its true value
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


def tier_counts(gold: int | None, silver: int | None, single: int | None) -> dict[str, int]:
    return {k: v for k, v in (("gold", gold), ("silver", silver), ("signal", single)) if v}


@dataclass(frozen=True)
class Context:
    """What the model needs for one profile in one specialty."""

    specialty: str
    applicant_type: str
    params: Params
    pool: Pool
    rates: ProgramRates
    cells: CellRates
    programs: list[Program]
    in_state: Array
    tiers: dict[str, float | None]  # planned tier -> prior log OR (None: the program's own)
    signal_counts: dict[str, int]  # how many signals of each tier the season allows
    service: str  # the application service of the season (ERAS, ResidencyCAS)
    counts: tuple[dict[str, int], dict[str, int]] | None  # (rates' season, planned) to carry
    share: float  # the published match share of the pool's cell (derive: compared, not shown)
    away: Array
    allowed: Array
    notes: list[str]


@dataclass(frozen=True)
class Draw:
    """One draw of the fitted parameters and of the published rates within their rounding."""

    params: Params
    cells: CellRates
    applications: float | None = None  # the typical list's length under this draw


def chances_report(
    services: Services, profile: Profile, apply_to: Sequence[str] = (), limit: int | None = None
) -> dict[str, Any]:
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
        return report
    ctx = build_context(services, profile, spec.key, season, report["notes"])
    if ctx is None:
        return report
    chosen = _parse_list(ctx, apply_to)
    point = Draw(ctx.params, ctx.cells)
    draws = parameter_draws(services, ctx, spec.key)
    score = profile.step2
    p_none, p_tiers, f_none = _evaluate(ctx, point, score, services.anchors)
    evaluated = [_evaluate(ctx, d, score) for d in draws]
    p_low, p_high = np.quantile([e[0] for e in evaluated], [0.025, 0.975], axis=0)
    f_low, f_high = np.quantile([e[2] for e in evaluated], [0.025, 0.975], axis=0)
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
    return report


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
    p, tiers, f = _evaluate(ctx, Draw(ctx.params, ctx.cells), profile.step2, services.anchors)
    return ProgramChances(ctx.rates.ids, p, tiers, f, notes)


def _r(value: float) -> float:
    return round(float(value), 4)


def _interval(values: Sequence[float]) -> list[float]:
    low, high = np.quantile(np.asarray(values), [0.025, 0.975])
    return [_r(low), _r(high)]


def exclusion(program: Program, visa: str) -> str | None:
    """Why the applicant cannot enter the program, or None."""
    if program.entry_level == "independent":
        return "independent program: entered after other residency training"
    if visa_fit(program, visa) == "does not sponsor":
        return f"does not sponsor the {visa.upper()} visa (FREIDA)"
    return None


def visa_fit(program: Program, visa: str) -> str:
    if visa == "none":
        return "not needed"
    wanted = {
        "j1": (program.visa_j1,),
        "h1b": (program.visa_h1b,),
        "either": (program.visa_j1, program.visa_h1b),
    }[visa]
    if "yes" in wanted:
        return "sponsors"
    return "does not sponsor" if all(v == "no" for v in wanted) else "unknown"


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
    in_state = np.array([p.state == profile.school_state for p in programs], dtype=np.float64)
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
    away = np.array([pri.away_log_or if p.acgme_id in away_ids else 0.0 for p in programs])
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
    allowed = np.array([exclusion(p, profile.visa) is None for p in programs])
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
        allowed.astype(np.float64),
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


def _signal(ctx: Context, cells: CellRates, tier: str | None) -> Array | float:
    if tier is None:
        return 0.0
    prior = ctx.tiers[tier]
    return cells.signal[tier] if prior is None else prior


def population_logits(ctx: Context, cells: CellRates, tier: str | None) -> Array:
    """Population log-odds of the applicant's cell at every program, with a signal of `tier`."""
    base = cells.level[ctx.applicant_type] + cells.location * ctx.in_state
    return np.asarray(base + _signal(ctx, cells, tier), dtype=np.float64)


def matrices(
    ctx: Context, draw: Draw, score: int | None, tier: str | None, cache: dict[Any, Array] | None
) -> tuple[Array, Array, Array]:
    """(weights, p (Q, m), q (Q,)) for one draw and one signal tier at every program. With a
    cache (the point estimate), each program's intercepts for in-state and out-of-state
    applicants are solved once per session and reused for every profile."""
    nodes = strength(draw.params, ctx.pool, score)
    v = variance(draw.params, ctx.pool)
    if cache is None:
        a = anchor(population_logits(ctx, draw.cells, tier), v)
    else:
        key = (ctx.specialty, ctx.applicant_type, tier, round(v, 12), ctx.counts is not None)
        if key not in cache:
            base = draw.cells.level[ctx.applicant_type] + _signal(ctx, draw.cells, tier)
            cache[key] = np.vstack([anchor(base, v), anchor(base + draw.cells.location, v)])
        both = cache[key]
        a = np.where(ctx.in_state > 0, both[1], both[0])
    a = a + ctx.away
    return nodes.w, interview(a, nodes.s) * ctx.allowed, conversion(draw.params, nodes)


def _evaluate(
    ctx: Context, draw: Draw, score: int | None, cache: dict[Any, Array] | None = None
) -> tuple[Array, dict[str, Array], Array]:
    """P(interview) without a signal and with each tier, and the stand-alone P(match), each
    kept within [0, 1] (averages of chances near 1 can pass it by a rounding error)."""
    w, p, q = matrices(ctx, draw, score, None, cache)
    tiers = {t: _unit(w @ matrices(ctx, draw, score, t, cache)[1]) for t in ctx.tiers}
    return _unit(w @ p), tiers, _unit(w @ (p * q[:, None]))


def _unit(p: Array) -> Array:
    return np.asarray(np.clip(p, 0.0, 1.0), dtype=np.float64)


def parameter_draws(services: Services, ctx: Context, specialty: str) -> list[Draw]:
    """Draws of the fitted parameters (their Laplace covariance) and of each published rate
    within its rounding; seeded, so the same inputs give the same intervals. They depend on
    the specialty, the type and the season's signals only: made once per session."""
    key = (specialty, ctx.applicant_type, str(ctx.counts))
    if key not in services.draws:
        services.draws[key] = _make_draws(services, ctx, specialty)
    cached: list[Draw] = services.draws[key]
    return cached


def _make_draws(services: Services, ctx: Context, specialty: str) -> list[Draw]:
    rng = np.random.default_rng(SEED)
    fit = services.fit
    engine = services.engine
    g = BORROWED.get(ctx.applicant_type, ctx.applicant_type)
    share = engine.published_applications(specialty, g).share_key
    wanted = [f"{g}:log_b", f"{g}:log_sigma", f"{g}:c", f"log_tau:{share}", "log_lambda",
              f"targeting:{share}", f"share:{share}", f"share:{share}@{specialty}",
              f"offset:{specialty}"]  # fmt: skip
    names = [n for n in wanted if n in fit.names]
    index = [fit.names.index(n) for n in names]
    cov = _nearest_psd(fit.covariance[np.ix_(index, index)])
    p = ctx.params
    applications = engine.applications(specialty, ctx.applicant_type, fit)
    shares, then = engine.type_shares(specialty), engine.signals_then(specialty)
    sd = dict(zip(names, np.sqrt(np.maximum(np.diag(cov), 0.0)), strict=True))

    def scaled(value: float, name: str, step: dict[str, float]) -> float:
        """A positive parameter fitted on the log scale, moved by its draw. Where the fit is
        flat on that scale (a spread near zero: standard deviation above 1), the draw is
        taken on the natural scale instead (the delta method), reflected at zero."""
        if sd.get(name, 0.0) > 1.0:
            return abs(value * (1.0 + step.get(name, 0.0)))
        return value * math.exp(step.get(name, 0.0))

    out = []
    for _ in range(DRAWS):
        step = dict(zip(names, rng.multivariate_normal(np.zeros(len(names)), cov), strict=True))
        params = Params(
            scaled(p.score_weight, f"{g}:log_b", step),
            scaled(p.spread, f"{g}:log_sigma", step),
            p.conversion + step.get(f"{g}:c", 0.0) + step.get(f"offset:{specialty}", 0.0),
            scaled(p.conversion_spread, f"log_tau:{share}", step),
            scaled(p.conversion_weight, "log_lambda", step),
            max(p.targeting + step.get(f"targeting:{share}", 0.0), 0.0),
        )
        rates = _jitter(ctx.rates, rng)
        cells = cell_rates(
            rates, shares, then, engine.location_cap, ctx.cells.location, (ctx.applicant_type,)
        )
        if ctx.counts is not None:
            cells = carry_over(rates, cells, *ctx.counts)
        moved = step.get(f"share:{share}", 0.0) + step.get(f"share:{share}@{specialty}", 0.0)
        out.append(Draw(params, cells, applications * math.exp(moved)))
    return out


def _nearest_psd(cov: Array) -> Array:
    """The covariance made symmetric with no negative variance direction (the inverse Hessian
    of a fit can carry tiny negative eigenvalues from the finite differences)."""
    sym = (cov + cov.T) / 2
    values, vectors = np.linalg.eigh(sym)
    return np.asarray((vectors * np.maximum(values, 0.0)) @ vectors.T, dtype=np.float64)


def _jitter(rates: ProgramRates, rng: np.random.Generator) -> ProgramRates:
    def one(a: Array) -> Array:
        noise = rng.uniform(-ROUND_HALF, ROUND_HALF, a.shape)
        return np.where(np.isfinite(a), np.clip(a + noise, 0.0, 1.0), a)

    return replace(
        rates,
        by_type={g: one(a) for g, a in rates.by_type.items()},
        in_state=one(rates.in_state),
        out_of_state=one(rates.out_of_state),
        signal={t: one(a) for t, a in rates.signal.items()},
    )


def _typical_list(ctx: Context, draw: Draw, applications: float) -> Typical:
    return typical_applicant(
        draw.cells, ctx.applicant_type, applications, draw.params.targeting, ctx.signal_counts
    )


def _typical_chance(
    ctx: Context,
    draw: Draw,
    applications: float,
    score: int | None,
    ranked: bool = False,
    typical: Typical | None = None,
) -> float:
    """The typical applicant's chance of matching; with `ranked`, among those who had at least
    one interview (whom the published match shares count). `typical` is the draw's typical
    list when the caller has it already."""
    if typical is None:
        typical = _typical_list(ctx, draw, applications)
    if score is not None:
        scores, w = np.array([float(score)]), np.ones(1)
    else:  # the pool's average, over its score distribution
        scores, w = normal_nodes_for_pool(ctx.pool)
    look = outlook(draw.params, ctx.pool, typical, scores)
    matched = float(w @ look.p_match())
    return matched / float(w @ look.p_interviewed()) if ranked else matched


def normal_nodes_for_pool(pool: Pool) -> tuple[Array, Array]:
    """Scores spread like the pool's (a normal with the pool's mean and variance)."""
    z, w = normal_nodes(16)
    return pool.centre + pool.sd * np.sqrt(pool.var_z) * z, w


def _typical(
    services: Services, ctx: Context, point: Draw, draws: Sequence[Draw], score: int | None
) -> dict[str, Any]:
    """The model's chance for a typical applicant of the type with this score: the number the
    standing's published curve gives, now from the programs' rates."""
    h = services.engine.applications(ctx.specialty, ctx.applicant_type, services.fit)
    # How far the model's average over the pool is from the published match share: said when
    # it is more than 5 points (docs/validation.md lists every cell).
    gap = _typical_chance(ctx, point, h, None, ranked=True) - ctx.share
    if abs(gap) > GAP_NOTE:
        ctx.notes.append(
            f"for {APPLICANT_TYPES[ctx.applicant_type]}s in this specialty the model's average "
            f"chance of matching is {gap * 100:+.0f} points from the published share "
            "(docs/validation.md): read these numbers with that in mind"
        )
    # The typical lists do not depend on the score: made once per session and draw.
    key = ("typical", ctx.specialty, ctx.applicant_type, str(ctx.counts), str(ctx.signal_counts))
    if key not in services.draws:
        services.draws[key] = [_typical_list(ctx, d, d.applications or h) for d in draws]
    lists: list[Typical] = services.draws[key]
    return {
        "p_match": _r(_typical_chance(ctx, point, h, score)),
        "p_match_interval": _interval(
            [
                _typical_chance(ctx, d, d.applications or h, score, typical=t)
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
    draws = parameter_draws(services, ctx, spec.key)
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
                hint="Use the ACGME ids that `smartpick chances` lists.",
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


def _list_outcomes(
    ctx: Context, draw: Draw, chosen: Sequence[tuple[int, str | None]], score: int | None
) -> Any:
    cols = {}
    for tier in {t for _, t in chosen}:
        w, p, q = matrices(ctx, draw, score, tier, None)
        cols[tier] = p
    p_list = np.column_stack([cols[t][:, j] for j, t in chosen])
    q_list = np.repeat(q[:, None], len(chosen), axis=1)
    return outcomes(w, p_list, q_list)


def _list(
    ctx: Context,
    point: Draw,
    draws: Sequence[Draw],
    chosen: Sequence[tuple[int, str | None]],
    score: int | None,
) -> dict[str, Any]:
    """P(match) and the rest of METHODS §1.3 for the programs given, in the order given."""
    result = _list_outcomes(ctx, point, chosen, score)
    spread = [_list_outcomes(ctx, d, chosen, score).p_match for d in draws]
    cdf = np.cumsum(result.interviews_pmf)
    return {
        "p_match": _r(result.p_match),
        "p_match_interval": _interval(spread),
        "expected_interviews": round(result.expected_interviews, 2),
        "interviews_10_90": [int(np.searchsorted(cdf, 0.1)), int(np.searchsorted(cdf, 0.9))],
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
