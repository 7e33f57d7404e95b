"""Solving one specialty's list for a profile: the season's fees (and the Fee Assistance
discount), how many applications to plan for, and the solve and the count of core.plan.solution
with the session's engine object and draws."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from smartpick.core.fees import Assistance, Tier, cost, most_programs, total_cost
from smartpick.core.model.evaluation import Context
from smartpick.core.numbers import ordinal
from smartpick.core.plan.decision import LOWER
from smartpick.core.plan.solution import Solution, lower_curve
from smartpick.core.plan.solution import choose_count as core_choose
from smartpick.core.plan.solution import solve as core_solve
from smartpick.core.profile import Profile
from smartpick.core.seasons import fee_tiers
from smartpick.errors import InputError
from smartpick.services.context import parameter_draws

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from smartpick.services import Services

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
            start = int(r["from_count"] or 1)
            which = "every program" if start == 1 else f"the {ordinal(start)} program on"
            notes.append(f"{service} fee for {which}: {dated.status}")
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
            if budget <= 0:
                raise InputError(
                    f"a budget of {budget:,.0f} dollars is not a budget",
                    field="budget",
                    hint=f"Give the amount you can spend on fees, at least ${cost(schedule, 1):g}"
                    " for the first application, or leave it empty.",
                )
            said = f"${budget:,.0f}" if budget >= 1 else f"${budget:.2f}"
            raise InputError(
                f"a budget of {said} pays for no application "
                f"(the first costs ${cost(schedule, 1):g})",
                field="budget",
                hint="Give at least that, or leave the budget empty.",
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
    utility: NDArray[np.float64] | None = None,
    assistance: Assistance | None = None,
) -> Solution:
    """The list solved for every size up to `limit` at the season's fees (core.plan.solution)."""
    schedule, fee_notes = fee_schedule(services, ctx.service, season)
    return core_solve(
        services.evaluator, ctx, profile.step2, limit, signals, schedule, fee_notes, utility,
        assistance,
    )  # fmt: skip


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
    """The count to recommend: from the lower end of each size's chance over the session's
    parameter draws with `cautious`, else from the point estimate (core.plan.solution)."""
    point = 1 - sol.miss[1:] @ sol.w
    if cautious:
        draws = parameter_draws(services, sol.ctx)
        lower, expected = lower_curve(services.evaluator, sol, draws, score, LOWER)
    else:
        lower, expected = point, point
    return core_choose(
        sol, lower, expected, target, applications, budget, cost_of_not_matching
    )  # fmt: skip
