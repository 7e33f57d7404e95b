"""Solving one specialty's list: fees, the exact program of applications and signals for every
list size, each list scored under correlated strength, and the recommended size."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from smartpick.core.fees import Assistance, Tier, cost, most_programs, total_cost
from smartpick.core.model.evaluation import Context, Draw
from smartpick.core.model.parameters import conversion, interview, strength
from smartpick.core.plan.decision import LOWER, recommend
from smartpick.core.plan.optimize import candidates, signal_dp
from smartpick.core.profile import Profile
from smartpick.core.seasons import fee_tiers
from smartpick.errors import InputError
from smartpick.services.chances import parameter_draws

if TYPE_CHECKING:
    from smartpick.services import Services

Array = NDArray[np.float64]
MAX_CURVE = 150  # the curve goes to this many applications at most
FEE_ITEM = {"ERAS": "residency application fee", "ResidencyCAS": "application fee"}


def fee_schedule(services: Services, service: str, season: int) -> tuple[list[Tier], list[str]]:
    """The season's application fee tiers for the service, with how each is known."""
    item = FEE_ITEM.get(service, FEE_ITEM["ERAS"])
    rows = [
        r
        for r in services.dataset.rows("fees")
        if r["service"] == service and r["item"] == item and r["season"].isdigit()
    ]
    tiers, notes = [], []
    for r, dated in fee_tiers(rows, season):
        tiers.append(
            Tier(
                int(r["from_count"] or 1),
                int(r["to_count"]) if r["to_count"] else None,
                float(r["amount_usd"]),
                r["unit"],
            )
        )
        if not dated.published:
            notes.append(f"{service} fee from {r['from_count'] or 1} programs: {dated.status}")
    if not tiers:
        raise InputError(f"the dataset has no {service} fees for the {season} season")
    return tiers, notes


FAP_PAID = "example total, Fee Assistance Program applicant"
FAP_WAIVED = "example amount waived, Fee Assistance Program applicant"


def assistance_for(
    services: Services, service: str, season: int
) -> tuple[Assistance | None, list[str]]:
    """The AAMC Fee Assistance Program discount, derived from the AAMC's worked example in
    the dataset: the share of the fees the example's applicant paid, for as many
    applications as the example has (checked: its programs at the season's fees cost the
    example's total). The dataset gives no limit beyond the example: later applications are
    priced in full, so the cost is never understated."""
    if service != "ERAS":
        return None, [
            f"the AAMC Fee Assistance Program discounts ERAS fees: {service} fees are in full"
        ]
    rows = services.dataset.rows("fees")
    paid = [r for r in rows if r["service"] == "ERAS" and r["item"] == FAP_PAID]
    waived = [r for r in rows if r["service"] == "ERAS" and r["item"] == FAP_WAIVED]
    if not paid or not waived:
        return None, ["the dataset has no AAMC Fee Assistance example: fees are in full"]
    row = max(paid, key=lambda r: int(r["season"] or 0))
    match = next((r for r in waived if r["season"] == row["season"]), None)
    counts = [int(n) for n in re.findall(r"(\d+) [A-Z]", row["notes"])]
    schedule, _ = fee_schedule(services, "ERAS", int(row["season"]))
    amount = float(row["amount_usd"]) + float(match["amount_usd"]) if match else None
    if not counts or amount is None or abs(total_cost(schedule, counts) - amount) > 0.5:
        return None, [
            "the AAMC Fee Assistance example in the dataset does not add up at the season's "
            "fees: fees are in full"
        ]
    assistance = Assistance(float(row["amount_usd"]) / amount, sum(counts))
    return assistance, [
        f"AAMC Fee Assistance Program: you pay {assistance.share_paid:.0%} of the ERAS fee for "
        f"your first {assistance.covered} applications (the share paid in the AAMC's worked "
        f"example of {assistance.covered} applications, {row['season']} fees); the dataset "
        "does not say whether the discount goes further, so later applications are priced "
        "in full"
    ]


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


def plan_limit(
    services: Services,
    ctx: Context,
    season: int,
    applications: int | None,
    budget: float | None,
    assistance: Assistance | None = None,
) -> int:
    """How many applications to plan for at most."""
    schedule, _ = fee_schedule(services, ctx.service, season)
    if assistance is not None:
        schedule = assistance.schedule(schedule)
    allowed = int((ctx.allowed > 0).sum())
    if applications is not None:
        if applications < 1:
            raise InputError("applications: at least 1", field="applications")
        return min(applications, allowed)
    if budget is not None:
        limit = most_programs(schedule, budget, min(allowed, MAX_CURVE))
        if limit == 0:
            raise InputError(
                f"a budget of ${budget:g} pays for no application "
                f"(the first costs ${cost(schedule, 1):g})",
                field="budget",
            )
        return limit
    return min(allowed, MAX_CURVE)


def solve(
    services: Services,
    ctx: Context,
    profile: Profile,
    season: int,
    limit: int,
    signals: str,
    utility: Array | None = None,
    assistance: Assistance | None = None,
) -> Solution:
    """The exact program on the chances averaged over strength; every size's best list scored
    under correlated strength (log P(none won) at a node sums log(1 - f) over the list)."""
    schedule, fee_notes = fee_schedule(services, ctx.service, season)
    if assistance is not None:
        schedule = assistance.schedule(schedule)
    point = Draw(ctx.params, ctx.cells)
    w, p0, q = services.evaluator.matrices(ctx, point, profile.step2, None)
    tiers = list(ctx.signal_counts) if signals == "auto" else []
    caps = [ctx.signal_counts[t] for t in tiers]
    p_tier = [services.evaluator.matrices(ctx, point, profile.step2, t)[1] for t in tiers]
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
    services: Services, sol: Solution, score: int | None, level: float
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
    for k, draw in enumerate(parameter_draws(services, ctx)):
        nodes = strength(draw.params, ctx.pool, score)
        q = conversion(draw.params, nodes)
        f_nodes = []
        for tier in (None, *sol.tiers):
            a = services.evaluator.draw_intercepts(ctx, k, draw, tier, programs)
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
    services: Services,
    sol: Solution,
    score: int | None,
    target: float,
    applications: int | None,
    budget: float | None,
    cost_of_not_matching: float,
    cautious: bool = True,
) -> dict[str, Any]:
    """The count to recommend (core.plan.decision): from the lower end of each size's chance with
    `cautious` (else the point estimate), the fees and the cost of not matching; a number of
    applications given is taken as it is."""
    sizes = sol.every.shape[0]
    point = 1 - sol.miss[1:] @ sol.w
    lower, expected = lower_curve(services, sol, score, LOWER) if cautious else (point, point)
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
