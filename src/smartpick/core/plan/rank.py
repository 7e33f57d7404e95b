"""The rank order list: where an order of interviewed programs leaves the applicant.

After interviews, each program on the list either ranks the applicant high enough to take
them or not; the Match (applicant-proposing deferred acceptance) gives the applicant the
first program on their list that would take them. Given strength S, the programs decide
independently with chances q_j(S); over S (weights w on nodes), for an order pi:

    P(match at position k) = E_S[ q_pi(k) prod_{l<k} (1 - q_pi(l)) ]
    value(pi) = sum_k u_pi(k) P(match at position k)

Whatever the programs decide, listing them in true order of preference gives the best
program among those that would take the applicant, so no order has a higher expected value
than the true one (Roth 1982: truthful ranking is a dominant strategy for applicants under
applicant-proposing deferred acceptance). Leaving a program off only loses the outcomes
where it was the one that would have taken the applicant.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
BRUTE_FORCE_MAX = 8  # every order of up to 8 programs (40,320) is checked


def match_at(order: Sequence[int], q: Array, w: Array) -> Array:
    """(len(order),) P(match at each position of `order`); q is (Q, m) per strength node."""
    k = len(order)
    if k == 0:
        return np.zeros(0)
    qo = q[:, list(order)]
    before = np.cumprod(np.hstack([np.ones((q.shape[0], 1)), 1 - qo[:, :-1]]), axis=1)
    return np.asarray(w @ (qo * before), dtype=np.float64)


def value(order: Sequence[int], utility: Array, q: Array, w: Array) -> float:
    """Expected utility of listing the programs in `order` (0 when unmatched)."""
    return float(utility[list(order)] @ match_at(order, q, w))


def best_order_by_search(utility: Array, q: Array, w: Array) -> tuple[tuple[int, ...], float]:
    """The order of all programs with the highest expected utility, by trying every order
    (at most BRUTE_FORCE_MAX programs): the check that the true order is best."""
    m = utility.size
    if m > BRUTE_FORCE_MAX:
        raise ValueError(f"searching every order is limited to {BRUTE_FORCE_MAX} programs")
    best: tuple[tuple[int, ...], float] = ((), -np.inf)
    for order in itertools.permutations(range(m)):
        v = value(order, utility, q, w)
        if v > best[1] + 1e-12:
            best = (order, v)
    return best


def true_order(utility: Array) -> list[int]:
    """Programs by the applicant's own values, best first (ties keep the given order)."""
    return sorted(range(utility.size), key=lambda j: -utility[j])


def order_values(count: int) -> Array:
    """Values of programs ranked in the applicant's order without ratings: the first worth
    1, the last 0.1, evenly between."""
    return np.linspace(1.0, 0.1, count) if count > 1 else np.ones(1)


def rated_values(ratings: Sequence[float]) -> Array:
    """Values of programs rated 1-10 by the applicant: the rating over 10."""
    return np.asarray(ratings, dtype=np.float64) / 10


@dataclass(frozen=True)
class Alternative:
    """Another way to rank the same programs, and what it gives up against the true order."""

    order: str
    p_match: float
    expected_value: float
    loss: float


@dataclass(frozen=True)
class Search:
    """Every order tried (up to BRUTE_FORCE_MAX programs): the true order's value is the best."""

    orders: int
    best_value: float
    true_order_value: float
    true_order_is_best: bool


@dataclass(frozen=True)
class RankedList:
    """The interviewed programs in the order to rank them, and where that leaves the
    applicant. Indices are positions in the list of interviewed programs given."""

    order: list[int]
    p_match_at: Array  # (len(order),) P(match at each rank)
    p_match: float
    p_program_takes_you: float  # one program's chance of ranking the applicant high enough
    expected_value: float
    alternatives: list[Alternative]
    search: Search | None


def rank_interviews(w: Array, p: Array, q: Array, utility: Array) -> RankedList | None:
    """The rank order list for programs that interviewed the applicant: `w` the strength
    nodes' weights, `p` (Q, k) each program's chance of interviewing at each node, `q` (Q,)
    the chance a program ranks the applicant high enough, `utility` (k,) the applicant's
    values. The interviews are evidence of strength: the nodes are weighed by the chance of
    all of them. None when the model gives these interviews no chance together."""
    posterior = w * np.prod(p, axis=1)
    if not posterior.sum() > 0:
        return None
    posterior = posterior / posterior.sum()
    qk = np.repeat(q[:, None], utility.size, axis=1)
    order = true_order(utility)
    at = match_at(order, qk, posterior)
    best = value(order, utility, qk, posterior)
    search = None
    if utility.size <= BRUTE_FORCE_MAX:
        _, searched = best_order_by_search(utility, qk, posterior)
        search = Search(math.factorial(utility.size), searched, best, best >= searched - 1e-9)
    return RankedList(
        order,
        at,
        float(at.sum()),
        float(posterior @ q),
        best,
        _alternatives(order, utility, qk, posterior, best),
        search,
    )


def _alternatives(
    order: list[int], utility: Array, q: Array, w: Array, best: float
) -> list[Alternative]:
    def compare(label: str, other: list[int]) -> Alternative:
        v = value(other, utility, q, w)
        return Alternative(label, float(match_at(other, q, w).sum()), v, best - v)

    out = [compare("your least wanted first", order[::-1])]
    for keep in sorted(k for k in {1, 3, len(order) // 2} if 1 <= k < len(order)):
        out.append(compare(f"only your top {keep}", order[:keep]))
    if len(order) > 1:
        out.append(compare("your first two swapped", [order[1], order[0], *order[2:]]))
    return out
