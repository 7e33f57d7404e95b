"""The numbers of a solved list, as a plan shows them: each size's chance, the recommended
list's programs in the applicant's order of preference (interview chance, stand-alone chance,
where the applicant ends up, what each adds), the intervals over the parameter draws and the
greedy certificate (METHODS §1.3, §2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from smartpick.core.model.evaluation import (
    Context,
    Draw,
    Evaluator,
    interval95,
    population_logits,
)
from smartpick.core.model.interview import anchor
from smartpick.core.model.outcomes import outcomes
from smartpick.core.model.parameters import conversion, interview, strength, variance
from smartpick.core.plan.optimize import mixture_greedy
from smartpick.core.plan.solution import Solution

Array = NDArray[np.float64]
# Tiers by the stand-alone chance of matching at the program (interviewed and ranked high
# enough), the probability that the program alone would give the applicant a match.
LIKELY, TARGET = 0.30, 0.10
HALF_SCORE_LIMIT = 4.0  # pool deviations beyond which a program's half score is not given


def tier(f: float) -> str:
    """Reach, target or likely, by the stand-alone chance of matching at the program."""
    return "likely" if f >= LIKELY else "target" if f >= TARGET else "reach"


def interviews_10_90(pmf: Array) -> tuple[int, int]:
    """The 10th and 90th percentiles of a number of interviews from its distribution."""
    cdf = np.cumsum(pmf)
    return int(np.searchsorted(cdf, 0.1)), int(np.searchsorted(cdf, 0.9))


def chance_curve(sol: Solution) -> list[float]:
    """The chance of matching of each size's best list, from one program up (correlated
    strength: the nodes' weights over each list's chance of no match)."""
    return [float(v) for v in 1 - sol.miss[1:] @ sol.w]


def chance_at(sol: Solution, size: int) -> float:
    """The chance of matching of the best list of `size` programs."""
    return 1 - float(sol.miss[size] @ sol.w)


@dataclass(frozen=True)
class Line:
    """One program of a recommended list: `program` indexes the context's programs, `tier`
    is the signal's (0 none, else its place in the solution's tiers); `p_before_signal` is
    the interview chance the program would give without it; `half_score` the Step 2 CK at
    which it interviews half of applicants like this one (None beyond four deviations)."""

    program: int
    signal: int
    p_interview: float
    p_match_alone: float
    p_end_here: float
    loo_delta: float
    p_before_signal: float
    half_score: float | None

    @property
    def tier(self) -> str:
        return tier(self.p_match_alone)


@dataclass(frozen=True)
class ListOutcome:
    """A recommended list's chance of matching, its interviews and its programs in order."""

    p_match: float
    expected_interviews: float
    interviews_10_90: tuple[int, int]
    lines: tuple[Line, ...]


def list_outcome(sol: Solution, chosen: Sequence[int], sig: dict[int, int]) -> ListOutcome:
    """The list in the applicant's order of preference: by worth (ratings and regions) when
    given, then by stand-alone chance; `chosen` and `sig` index the solution's programs."""
    w, q, sub = sol.w, sol.q, sol.sub
    options = (sol.p0, *sol.p_tier)
    p = np.column_stack([options[sig.get(j, 0)][:, sub[j]] for j in chosen])
    f_alone = w @ (p * q[:, None])
    worth = np.ones(len(chosen)) if sol.utility is None else sol.utility[list(chosen)]
    order = np.lexsort((-f_alone, -worth))
    p = p[:, order]
    picks = [chosen[k] for k in order]
    result = outcomes(w, p, np.repeat(q[:, None], len(picks), axis=1))
    programs = np.array([sub[j] for j in picks], dtype=np.int64)
    half = half_scores(sol.ctx, programs)
    lines = tuple(
        Line(
            program=int(programs[k]),
            signal=sig.get(j, 0),
            p_interview=float(result.p_interview[k]),
            p_match_alone=float(result.p_standalone[k]),
            p_end_here=float(result.p_end_up[k]),
            loo_delta=float(result.leave_one_out[k]),
            p_before_signal=float(w @ sol.p0[:, programs[k]]),
            half_score=half[k],
        )
        for k, j in enumerate(picks)
    )
    return ListOutcome(
        result.p_match,
        result.expected_interviews,
        interviews_10_90(result.interviews_pmf),
        lines,
    )


def half_scores(ctx: Context, programs: NDArray[np.int64]) -> list[float | None]:
    """The Step 2 CK at which each program interviews half of applicants like this one
    (strength beyond the score at its average): the program's place on the score scale; None
    where that lies beyond four pool deviations."""
    params, pool = ctx.params, ctx.pool
    logits = population_logits(ctx, ctx.cells, None)[programs]
    a = anchor(logits, variance(params, pool)) + ctx.away[programs]
    z = -a / params.score_weight
    return [None if abs(v) > HALF_SCORE_LIMIT else float(pool.centre + pool.sd * v) for v in z]


@dataclass(frozen=True)
class Intervals:
    """95% intervals over the parameter draws: the list's chance of matching, and each
    program's interview chance (in the order the programs were given)."""

    p_match: tuple[float, float]
    p_interview: tuple[tuple[float, float], ...]


def list_intervals(
    evaluator: Evaluator,
    ctx: Context,
    draws: Sequence[Draw],
    score: int | None,
    programs: Sequence[int],
    signals: Sequence[str | None],
) -> Intervals:
    """The intervals of a list (`programs` index the context's programs, `signals` their tier
    names) under the draws of the parameters and the rates that give every interval; the
    programs' intercepts under each draw are the engine object's (Evaluator.draw_intercepts)."""
    idx = np.asarray(programs, dtype=np.int64)
    values = []
    chances = []
    for k, draw in enumerate(draws):
        nodes = strength(draw.params, ctx.pool, score)
        by_tier = {t: evaluator.draw_intercepts(ctx, k, draw, t, idx) for t in set(signals)}
        a = np.array([by_tier[t][n] for n, t in enumerate(signals)])
        p = interview(a, nodes.s)
        f = p * conversion(draw.params, nodes)[:, None]
        values.append(float(nodes.w @ (1 - np.prod(1 - f, axis=1))))
        chances.append(nodes.w @ p)
    lows, highs = np.quantile(np.array(chances), [0.025, 0.975], axis=0)
    return Intervals(
        interval95(values),
        tuple((float(lo), float(hi)) for lo, hi in zip(lows, highs, strict=True)),
    )


@dataclass(frozen=True)
class Certificate:
    """Greedy under correlation at one size, with the bound on how far the best list can be."""

    value_greedy: float
    upper_bound: float
    certified_gap: float


def certificate(sol: Solution, size: int) -> Certificate:
    """The greedy list's value, its upper bound and their gap at `size` (no signals)."""
    worth = sol.utility if sol.utility is not None else np.ones(sol.sub.size)
    result = mixture_greedy(sol.w, sol.f_nodes[0], worth, size)
    return Certificate(float(result.values[-1]), float(result.bounds[-1]), float(result.gaps[-1]))
