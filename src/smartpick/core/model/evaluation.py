"""The model evaluated for one profile in one specialty: every program's chance of an interview
and of a match at the strength nodes, under the point estimate and under draws of the fitted
parameters and of the published rates within their rounding (the intervals), the typical
applicant's chance, and the outcomes of a given list (METHODS §1.3).

`Context` is what the model needs for the profile (built by the chances service from the
dataset); `Evaluator` is the engine object of a session: it keeps what does not depend on the
profile (each program's intercepts, the draws and their typical lists), so that the first
profile of a specialty and type pays for them and every later one reuses them."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from smartpick.core.catalog import Program, exclusion
from smartpick.core.model.calibration import Fit
from smartpick.core.model.interview import (
    CellRates,
    Mix,
    ProgramRates,
    _solve_level,
    anchor,
    carry_over,
    cell_rates,
)
from smartpick.core.model.outcomes import Outcomes, normal_nodes, outcomes
from smartpick.core.model.parameters import (
    Params,
    Pool,
    Typical,
    conversion,
    interview,
    outlook,
    strength,
    variance,
)
from smartpick.core.model.targets import typical_applicant

Array = NDArray[np.float64]
DRAWS = 64  # parameter and rounding draws behind each interval
SEED = 20261126
ROUND_HALF = 0.005  # a published two-decimal rate lies within this of its true value


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

    @property
    def season_key(self) -> str:
        """What the cells take from the planned season (its tiers, their priors and counts,
        the rates' counts carried to them): part of every key the Evaluator keeps."""
        return str((self.counts, sorted(self.tiers.items()), sorted(self.signal_counts.items())))


def interval95(values: Sequence[float]) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles: the interval every chance is shown with."""
    low, high = np.quantile(np.asarray(values, dtype=np.float64), [0.025, 0.975])
    return float(low), float(high)


def columns95(values: Sequence[Array]) -> tuple[Array, Array]:
    """The 2.5th and 97.5th percentiles of each column over rows of draws."""
    low, high = np.quantile(np.asarray(values, dtype=np.float64), [0.025, 0.975], axis=0)
    return low, high


def program_vectors(
    programs: Sequence[Program],
    school_state: str | None,
    away_ids: set[str],
    away_log_or: float,
    visa: str,
) -> tuple[Array, Array, Array]:
    """Per program of a context: 1 where it is in the school's state, the log odds ratio of
    an away rotation there, and 1 where the applicant can take it (core.catalog.exclusion)."""
    in_state = np.array([p.state == school_state for p in programs], dtype=np.float64)
    away = np.array([away_log_or if p.acgme_id in away_ids else 0.0 for p in programs])
    allowed = np.array([exclusion(p, visa) is None for p in programs], dtype=np.float64)
    return in_state, away, allowed


@dataclass(frozen=True)
class Draw:
    """One draw of the fitted parameters and of the published rates within their rounding."""

    params: Params
    cells: CellRates
    applications: float | None = None  # the typical list's length under this draw


@dataclass(frozen=True)
class DrawInputs:
    """What the draws need beyond the context: the fit (its covariance), the names of the
    applicant's parameters in it, the typical list's length and what the cells are solved
    from (the specialty's type shares, the rates' season's signal counts, the in-state cap)."""

    fit: Fit
    fitted_type: str  # the type whose parameters the applicant uses (U.S. IMGs borrow)
    share_key: str  # the application share the typical list's length rests on
    applications: float
    type_shares: Mapping[str, float]
    signals_then: Mapping[str, int]
    location_cap: float | None


def planned_cells(
    rates: ProgramRates,
    cells: CellRates,
    counts: tuple[dict[str, int], dict[str, int]] | None,
    tiers: Mapping[str, float | None],
    signal_counts: Mapping[str, int],
    applications: float,
    applicant_type: str,
) -> CellRates:
    """The cells of the planned season for the applicant's type (METHODS §3.3, dilution).

    The rates' own tiers are carried over to the season's counts (`carry_over`). A tier the
    rates have no column for (`tiers` holds its prior log odds ratio) takes that effect at
    every program, and the type's level is solved again so that each program's interview
    rate for the type, which counts whoever signaled it that season, stays the published one:
    what a signal gains, the applications without one lose. Without this a prior signal
    would add interviews no program gives. Each prior tier's share of the applications is the
    typical applicant's, who sends every signal: its count over the `applications` (at most
    all of them, in proportion); a tier with the rates' own column keeps its share of the
    programs' applicants. With a prior tier, the rates' season's tiers that the planned season
    does not have are dropped (a single tier become gold and silver). A planned season with no
    tier the rates lack keeps the rates' mix, its own tiers carried over: where it lists no
    signal at all (for some seasons the dataset has no count), the applicant is one who did
    not signal among those who did, the cautious reading."""
    if counts is not None:
        cells = carry_over(rates, cells, *counts)
    prior = {t: v for t, v in tiers.items() if v is not None}
    if not prior:
        return cells
    size = max(applications, 1.0)
    signal = {"none": cells.signal["none"]}
    shares: dict[str, float] = {}
    for t in tiers:
        if t in prior:
            signal[t] = np.full(rates.size, prior[t])
            shares[t] = min(signal_counts.get(t, 0), size) / size
        elif t in cells.signal:
            signal[t] = cells.signal[t]
            shares[t] = cells.mix.tiers.get(t, 0.0)
    total = sum(shares.values())
    if total > 1.0:  # as the typical applicant's (core.model.targets.typical_applicant)
        shares = {t: v / total for t, v in shares.items()}
    mix = Mix(cells.mix.in_state, shares)
    level = dict(cells.level)
    level[applicant_type] = _solve_level(
        rates, applicant_type, cells.location, signal, mix, cells.in_share.get(applicant_type)
    )
    return CellRates(level, cells.location, signal, mix, cells.notes, cells.in_share)


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
    ctx: Context, draw: Draw, score: int | None, tier: str | None
) -> tuple[Array, Array, Array]:
    """(weights, p (Q, m), q (Q,)) for one draw and one signal tier at every program, every
    intercept solved afresh (Evaluator.matrices keeps the point estimate's)."""
    nodes = strength(draw.params, ctx.pool, score)
    a = anchor(population_logits(ctx, draw.cells, tier), variance(draw.params, ctx.pool))
    a = a + ctx.away
    return nodes.w, interview(a, nodes.s) * ctx.allowed, conversion(draw.params, nodes)


def unit(p: Array) -> Array:
    return np.asarray(np.clip(p, 0.0, 1.0), dtype=np.float64)


def evaluate(
    ctx: Context,
    draw: Draw,
    score: int | None,
    matrices: Callable[[Context, Draw, int | None, str | None], tuple[Array, Array, Array]],
) -> tuple[Array, dict[str, Array], Array]:
    """P(interview) without a signal and with each tier, and the stand-alone P(match), each
    kept within [0, 1] (averages of chances near 1 can pass it by a rounding error)."""
    w, p, q = matrices(ctx, draw, score, None)
    tiers = {t: unit(w @ matrices(ctx, draw, score, t)[1]) for t in ctx.tiers}
    return unit(w @ p), tiers, unit(w @ (p * q[:, None]))


def make_draws(
    ctx: Context, inputs: DrawInputs, count: int = DRAWS, seed: int = SEED
) -> list[Draw]:
    """Draws of the fitted parameters (their Laplace covariance) and of each published rate
    within its rounding; seeded, so the same inputs give the same intervals."""
    rng = np.random.default_rng(seed)
    fit, g, share, specialty = inputs.fit, inputs.fitted_type, inputs.share_key, ctx.specialty
    wanted = [f"{g}:log_b", f"{g}:log_sigma", f"{g}:c", f"log_tau:{share}", "log_lambda",
              f"targeting:{share}", f"share:{share}", f"share:{share}@{specialty}",
              f"offset:{specialty}", f"score:{g}@{specialty}"]  # fmt: skip
    names = [n for n in wanted if n in fit.names]
    index = [fit.names.index(n) for n in names]
    cov = nearest_psd(fit.covariance[np.ix_(index, index)])
    p = ctx.params
    sd = dict(zip(names, np.sqrt(np.maximum(np.diag(cov), 0.0)), strict=True))

    def scaled(value: float, name: str, step: dict[str, float]) -> float:
        """A positive parameter fitted on the log scale, moved by its draw. Where the fit is
        flat on that scale (a spread near zero: standard deviation above 1), the draw is
        taken on the natural scale instead (the delta method), reflected at zero."""
        if sd.get(name, 0.0) > 1.0:
            return abs(value * (1.0 + step.get(name, 0.0)))
        return value * math.exp(step.get(name, 0.0))

    out = []
    for _ in range(count):
        step = dict(zip(names, rng.multivariate_normal(np.zeros(len(names)), cov), strict=True))
        params = Params(
            scaled(p.score_weight, f"{g}:log_b", step)
            * math.exp(step.get(f"score:{g}@{specialty}", 0.0)),
            scaled(p.spread, f"{g}:log_sigma", step),
            p.conversion + step.get(f"{g}:c", 0.0) + step.get(f"offset:{specialty}", 0.0),
            scaled(p.conversion_spread, f"log_tau:{share}", step),
            scaled(p.conversion_weight, "log_lambda", step),
            max(p.targeting + step.get(f"targeting:{share}", 0.0), 0.0),
        )
        rates = jitter(ctx.rates, rng)
        cells = cell_rates(
            rates,
            inputs.type_shares,
            inputs.signals_then,
            inputs.location_cap,
            ctx.cells.location,
            (ctx.applicant_type,),
        )
        moved = step.get(f"share:{share}", 0.0) + step.get(f"share:{share}@{specialty}", 0.0)
        applications = inputs.applications * math.exp(moved)
        cells = planned_cells(
            rates, cells, ctx.counts, ctx.tiers, ctx.signal_counts, applications, ctx.applicant_type
        )
        out.append(Draw(params, cells, applications))
    return out


def nearest_psd(cov: Array) -> Array:
    """The covariance made symmetric with no negative variance direction (the inverse Hessian
    of a fit can carry tiny negative eigenvalues from the finite differences)."""
    sym = (cov + cov.T) / 2
    values, vectors = np.linalg.eigh(sym)
    return np.asarray((vectors * np.maximum(values, 0.0)) @ vectors.T, dtype=np.float64)


def jitter(rates: ProgramRates, rng: np.random.Generator) -> ProgramRates:
    """The published rates moved within their rounding (two decimals)."""

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


def typical_list(ctx: Context, draw: Draw, applications: float) -> Typical:
    return typical_applicant(
        draw.cells, ctx.applicant_type, applications, draw.params.targeting, ctx.signal_counts
    )


def typical_chance(
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
        typical = typical_list(ctx, draw, applications)
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


class Evaluator:
    """The engine object of a session: the model evaluated for profiles, keeping what does not
    depend on the profile. Each program's intercepts under the point estimate (for in-state and
    out-of-state applicants) and under every draw, the draws of each specialty, type and
    season's signals, and their typical lists are made once, when first needed. Threads may
    share it: two that race make the same value, and the last one kept is as good."""

    def __init__(self) -> None:
        self._anchors: dict[Any, Array] = {}
        self._draws: dict[Any, list[Draw]] = {}
        self._typical: dict[Any, list[Typical]] = {}

    def matrices(
        self, ctx: Context, draw: Draw, score: int | None, tier: str | None
    ) -> tuple[Array, Array, Array]:
        """matrices() for the point estimate, with each program's intercepts solved once."""
        nodes = strength(draw.params, ctx.pool, score)
        v = variance(draw.params, ctx.pool)
        key = (ctx.specialty, ctx.applicant_type, tier, round(v, 12), ctx.season_key)
        both = self._anchors.get(key)
        if both is None:
            base = draw.cells.level[ctx.applicant_type] + _signal(ctx, draw.cells, tier)
            both = np.vstack([anchor(base, v), anchor(base + draw.cells.location, v)])
            self._anchors[key] = both
        a = np.where(ctx.in_state > 0, both[1], both[0]) + ctx.away
        return nodes.w, interview(a, nodes.s) * ctx.allowed, conversion(draw.params, nodes)

    def evaluate(
        self, ctx: Context, draw: Draw, score: int | None
    ) -> tuple[Array, dict[str, Array], Array]:
        """evaluate() for the point estimate, with its intercepts kept."""
        return evaluate(ctx, draw, score, self.matrices)

    @property
    def pairs(self) -> int:
        """How many specialty-and-type pairs have their draws made."""
        return len(self._draws)

    def draws(self, ctx: Context, inputs: Callable[[], DrawInputs]) -> list[Draw]:
        """The draws behind the intervals: they depend on the specialty, the type and the
        season's signals only."""
        key = (ctx.specialty, ctx.applicant_type, ctx.season_key)
        made = self._draws.get(key)
        if made is None:
            made = make_draws(ctx, inputs())
            self._draws[key] = made
        return made

    def typical_lists(
        self, ctx: Context, draws: Sequence[Draw], applications: float
    ) -> list[Typical]:
        """Each draw's typical list (it does not depend on the score)."""
        key = (ctx.specialty, ctx.applicant_type, ctx.season_key)
        made = self._typical.get(key)
        if made is None:
            made = [typical_list(ctx, d, d.applications or applications) for d in draws]
            self._typical[key] = made
        return made

    def draw_intercepts(
        self, ctx: Context, k: int, draw: Draw, tier: str | None, programs: NDArray[np.int64]
    ) -> Array:
        """The applicant's intercepts at `programs` under draw k with a signal of `tier`
        (in-state or not, away rotations added). Each program's intercepts do not depend on
        the score, so they are solved when a list first needs them."""
        key = ("draw", ctx.specialty, ctx.applicant_type, ctx.season_key, k, tier)
        cached = self._anchors.get(key)
        if cached is None:
            cached = np.full((2, ctx.in_state.size), np.nan)
            self._anchors[key] = cached
        # A program is ready when both its intercepts are: a thread that reads while another
        # fills sees the program missing and solves it too (the same values), never half.
        missing = programs[np.isnan(cached[:, programs]).any(axis=0)]
        if missing.size:
            v = variance(draw.params, ctx.pool)
            out_of_state = replace(ctx, in_state=np.zeros_like(ctx.in_state))
            base = population_logits(out_of_state, draw.cells, tier)[missing]
            cached[:, missing] = np.vstack(
                [anchor(base, v), anchor(base + draw.cells.location[missing], v)]
            )
        ready = cached[:, programs]  # one read of both rows
        chosen = np.where(ctx.in_state[programs] > 0, ready[1], ready[0])
        return np.asarray(chosen + ctx.away[programs], dtype=np.float64)


def list_outcomes(
    ctx: Context, draw: Draw, chosen: Sequence[tuple[int, str | None]], score: int | None
) -> Outcomes:
    """METHODS §1.3 for the programs given (index, signal tier), in the order given."""
    cols = {}
    w = q = np.zeros(0)
    for tier in {t for _, t in chosen}:
        w, p, q = matrices(ctx, draw, score, tier)
        cols[tier] = p
    p_list = np.column_stack([cols[t][:, j] for j, t in chosen])
    q_list = np.repeat(q[:, None], len(chosen), axis=1)
    return outcomes(w, p_list, q_list)
