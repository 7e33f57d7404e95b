"""How many applications to recommend: the decision rule (METHODS §3.9).

A lost year is not zero dollars. With C the cost of not matching and P(h) the chance of
matching with the best list of h applications averaged over the model's uncertainty (the
expected value a decision should maximize), the recommended count maximizes

    C * P(h) - fees(h),

so an application is worth its fee when it adds at least fee / C to the chance. A target
chance is a floor on the count when the lower end of the chance's interval, P_low(h),
reaches it: the uncertainty buys applications instead of removing them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Cited:
    """A number from outside, with where it comes from."""

    value: float
    what: str
    source: str
    year: int


# The default cost of not matching: the first-year resident stipend a lost year forgoes, a
# floor on the real cost (a later start of practice, reapplying), so the advice errs long.
COST_OF_NOT_MATCHING = Cited(
    68166.0,
    "the mean first-year (PGY-1) resident stipend, unweighted over institutions: the pay a "
    "lost year forgoes (the real cost is larger)",
    "AAMC Survey of Resident/Fellow Stipends and Benefits 2025, as reported by the AMA "
    "(https://www.ama-assn.org/medical-residents/residency-life/"
    "resident-physician-pay-still-rising-growth-trails-inflation)",
    2025,
)
# The quantile of the chance that the rule uses: the lower end of the 95% interval shown.
LOWER = 0.025


@dataclass(frozen=True)
class Recommendation:
    n: int  # the count recommended
    why: str
    reaches_target: int | None  # the fewest applications whose lower-end chance reaches it
    best_value: int  # the count that maximizes C * P_low(h) - fees(h)
    target: float
    cost_of_not_matching: float


def recommend(
    lower: Array,
    fees: Array,
    target: float,
    cost_of_not_matching: float,
    limit_reason: str | None = None,
    expected: Array | None = None,
) -> Recommendation:
    """The count to recommend from the chances averaged over the uncertainty `expected[h - 1]`
    (the lower ends themselves if not given), the lower-end chances `lower[h - 1]` and the fees
    `fees[h - 1]` of h = 1..len(lower) applications. `limit_reason` says why the curve stops
    where it does (a budget or a number of applications given), if it does."""
    value = cost_of_not_matching * (lower if expected is None else expected) - fees
    best = int(np.argmax(value)) + 1
    reach = next((i + 1 for i, p in enumerate(lower) if p >= target), None)
    n = max(best, reach or 0)
    if reach is not None and reach > best:
        why = (
            f"the fewest applications whose chance reaches your target of {target:.0%} even at "
            "the cautious end of its range"
        )
    else:
        why = (
            f"past this count an application adds less to your chance than its fee is worth, "
            f"when not matching costs ${cost_of_not_matching:,.0f}"
        )
        if reach is None:
            why += f"; your target of {target:.0%} is out of reach at the cautious end"
    if limit_reason is not None and n == len(lower):
        why = limit_reason
    return Recommendation(n, why, reach, best, target, cost_of_not_matching)
