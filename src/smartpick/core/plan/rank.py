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
from collections.abc import Sequence

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
