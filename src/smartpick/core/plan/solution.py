"""One specialty's list solved: the exact program of applications and signals for every list
size on each program's chance averaged over strength, each size's list scored under correlated
strength, the cautious end of each size's chance over the parameter draws, and the count to
recommend (METHODS §2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from smartpick.core.fees import Assistance, Tier, cost
from smartpick.core.model.evaluation import Context, Draw, Evaluator
from smartpick.core.model.parameters import conversion, interview, strength
from smartpick.core.plan.decision import recommend
from smartpick.core.plan.optimize import candidates, signal_dp

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Solution:
    """One specialty solved: every program's chances at the strength nodes, and the best list
    and signals for every number of applications up to the limit."""

    ctx: Context
    w: Array
    p0: Array  # (Q, m): P(interview) without a signal
    p_tier: list[Array]  # the same with each tier's signal
    q: Array  # (Q,): P(ranked high enough | interviewed)
    sub: NDArray[np.int64]  # the programs that can take the applicant
    tiers: list[str]
    f_nodes: list[Array]  # (Q, len(sub)) stand-alone chances for each option
    every: NDArray[np.int8]  # (limit, len(sub)): each size's choices
    miss: Array  # (limit + 1, Q): P(no program of the best list of size h won), by node
    schedule: list[Tier]
    fee_notes: list[str]
    utility: Array | None = None  # each program's worth (of len(sub)); None: all worth 1
    assistance: Assistance | None = None  # a fee discount (`schedule` is already discounted)


def solve(
    evaluator: Evaluator,
    ctx: Context,
    score: int | None,
    limit: int,
    signals: str,
    schedule: list[Tier],
    fee_notes: list[str],
    utility: Array | None = None,
    assistance: Assistance | None = None,
) -> Solution:
    """The exact program on the chances averaged over strength; every size's best list scored
    under correlated strength (log P(none won) at a node sums log(1 - f) over the list)."""
    if assistance is not None:
        schedule = assistance.schedule(schedule)
    point = Draw(ctx.params, ctx.cells)
    w, p0, q = evaluator.matrices(ctx, point, score, None)
    tiers = list(ctx.signal_counts) if signals == "auto" else []
    caps = [ctx.signal_counts[t] for t in tiers]
    p_tier = [evaluator.matrices(ctx, point, score, t)[1] for t in tiers]
    sub = np.flatnonzero(ctx.allowed > 0)
    f_nodes = [p[:, sub] * q[:, None] for p in (p0, *p_tier)]
    options = np.column_stack([w @ f for f in f_nodes])
    t = np.ones(sub.size) if utility is None else utility[sub]
    every = np.zeros((limit, sub.size), dtype=np.int8)
    keep = candidates(options, limit) if utility is None else np.arange(sub.size)
    every[:, keep] = signal_dp(t[keep], options[keep], limit, caps).choices()[1:]
    miss = list_misses(every, f_nodes)
    return Solution(
        ctx,
        w,
        p0,
        p_tier,
        q,
        sub,
        tiers,
        f_nodes,
        every,
        miss,
        schedule,
        fee_notes,
        None if utility is None else t,
        assistance,
    )


def list_misses(every: NDArray[np.int8], f_nodes: list[Array]) -> Array:
    """(sizes + 1, Q): P(no program of each size's list won) at each node (the first row is
    the empty list): log P sums log(1 - f) over the list, one matrix product per option."""
    total = np.zeros((every.shape[0], f_nodes[0].shape[0]))
    for option, f in enumerate(f_nodes, start=1):
        chosen = (every == option).astype(np.float64)
        total += chosen @ np.log1p(-np.minimum(f, 1 - 1e-15)).T
    return np.vstack([np.ones(total.shape[1]), np.exp(total)])


def lower_curve(
    evaluator: Evaluator, sol: Solution, draws: Sequence[Draw], score: int | None, level: float
) -> tuple[Array, Array]:
    """The `level` quantile and the mean of every size's chance of matching over the parameter
    draws (the fitted parameters within their uncertainty, the published rates within their
    rounding): each size's best list of the point estimate, scored under every draw."""
    used = np.flatnonzero((sol.every > 0).any(axis=0))
    if used.size == 0:
        return np.zeros(sol.every.shape[0]), np.zeros(sol.every.shape[0])
    programs = sol.sub[used]
    every = sol.every[:, used]
    ctx = sol.ctx
    curves = []
    for k, draw in enumerate(draws):
        nodes = strength(draw.params, ctx.pool, score)
        q = conversion(draw.params, nodes)
        f_nodes = []
        for tier in (None, *sol.tiers):
            a = evaluator.draw_intercepts(ctx, k, draw, tier, programs)
            f_nodes.append(interview(a, nodes.s) * q[:, None])
        curves.append(1 - list_misses(every, f_nodes)[1:] @ nodes.w)
    stacked = np.array(curves)
    return (
        np.asarray(np.quantile(stacked, level, axis=0), dtype=np.float64),
        np.asarray(stacked.mean(axis=0), dtype=np.float64),
    )


def decode(row: NDArray[np.int8]) -> tuple[list[int], dict[int, int]]:
    """(programs applied to, their signal tiers) from one row of choices."""
    chosen = [int(j) for j in np.flatnonzero(row)]
    return chosen, {j: int(row[j]) - 1 for j in chosen if row[j] > 1}


def choose_count(
    sol: Solution,
    lower: Array,
    expected: Array,
    target: float,
    applications: int | None,
    budget: float | None,
    cost_of_not_matching: float,
) -> dict[str, Any]:
    """The count to recommend (core.plan.decision): from `lower`, each size's cautious chance
    (or the point estimate), the fees and the cost of not matching; a number of applications
    given is taken as it is."""
    sizes = sol.every.shape[0]
    fees = np.array([cost(sol.schedule, h) for h in range(1, sizes + 1)])
    limit_reason = "the most your budget allows" if budget is not None else None
    rec = recommend(lower, fees, target, cost_of_not_matching, limit_reason, expected)
    n, why = rec.n, rec.why
    if applications is not None:
        n, why = sizes, "the number of applications you asked for"
    return {
        "n": n,
        "why": why,
        "reaches_target": rec.reaches_target,
        "best_value": rec.best_value,
        "target": target,
        "cost_of_not_matching_usd": cost_of_not_matching,
        "p_match_low": round(float(lower[n - 1]), 4),
        "lower": lower,
    }
