"""The quantities of METHODS §1.3, in closed form, for any interview and conversion model.

Given, at each of Q quadrature nodes of the applicant's latent strength (weights w, summing
to one), each program's interview probability p[q, j] and its probability q_[q, j] of
ranking the applicant high enough once interviewed, a program is "won" with probability
f = p * q_. Conditional on strength, programs decide independently; the nodes carry the
correlation. With programs listed in the applicant's order of preference:

    P(interview at j)            = sum_q w_q p_qj
    stand-alone P(match at j)    = sum_q w_q f_qj
    P(end up at j | list X)      = sum_q w_q f_qj prod_{i before j in X} (1 - f_qi)
    P(match | X)                 = sum_q w_q [1 - prod_{j in X} (1 - f_qj)]
    leave-one-out gain of j      = sum_q w_q f_qj prod_{i in X, i != j} (1 - f_qi)

and the number of interviews is Poisson-binomial at each node, mixed over the nodes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


@functools.cache
def normal_nodes(count: int = 20) -> tuple[Array, Array]:
    """Gauss-Hermite nodes z and weights w for E[g(Z)], Z standard normal (weights sum to 1).
    Computed once per count; the arrays are read-only."""
    z, w = np.polynomial.hermite_e.hermegauss(count)
    z, w = z.astype(np.float64), (w / w.sum()).astype(np.float64)
    z.flags.writeable = False
    w.flags.writeable = False
    return z, w


@dataclass(frozen=True)
class Outcomes:
    """Everything §1.3 reports for one list, programs in the list's order of preference."""

    p_interview: Array  # (m,)
    p_standalone: Array  # (m,)
    p_end_up: Array  # (m,)
    p_match: float
    leave_one_out: Array  # (m,): how much P(match) falls without each program
    interviews_pmf: Array  # (m + 1,): P(number of interviews = k)

    @property
    def p_unmatched(self) -> float:
        return 1.0 - self.p_match

    @property
    def expected_interviews(self) -> float:
        return float(np.arange(self.interviews_pmf.size) @ self.interviews_pmf)


def _check(weights: Array, *mats: Array) -> None:
    if weights.ndim != 1 or not np.isclose(weights.sum(), 1.0):
        raise ValueError("weights must be a vector summing to 1")
    for mat in mats:
        if mat.shape[0] != weights.size:
            raise ValueError("each matrix needs one row per node")
        if np.any((mat < 0) | (mat > 1)) or not np.all(np.isfinite(mat)):
            raise ValueError("probabilities must lie in [0, 1]")


def outcomes(weights: Array, p: Array, q: Array) -> Outcomes:
    """All §1.3 quantities for a list whose columns are in order of preference."""
    _check(weights, p, q)
    f = p * q
    miss = 1.0 - f
    # P(no better program won) before each program: exclusive cumulative product per node.
    before = np.cumprod(np.hstack([np.ones((f.shape[0], 1)), miss[:, :-1]]), axis=1)
    end_up = weights @ (f * before)
    none = np.prod(miss, axis=1)
    # prod over i != j of (1 - f_i) as (before j) * (after j): no division by 1 - f_j,
    # which may be 0. `after` is the exclusive cumulative product from the right.
    tail = np.hstack([miss[:, 1:], np.ones((f.shape[0], 1))])
    after = np.flip(np.cumprod(np.flip(tail, axis=1), axis=1), axis=1)
    others = before * after
    return Outcomes(
        p_interview=weights @ p,
        p_standalone=weights @ f,
        p_end_up=end_up,
        # Weights normalised to 1 may sum past it in floating point (1 + 2e-16): clip.
        p_match=min(1.0, max(0.0, float(weights @ (1.0 - none)))),
        leave_one_out=weights @ (f * others),
        interviews_pmf=weights @ poisson_binomial(p),
    )


def poisson_binomial(p: Array) -> Array:
    """P(k successes) for independent trials, row by row: (Q, m) -> (Q, m + 1), by the O(m^2)
    recursion (exact; m is at most a few hundred programs)."""
    rows, m = p.shape
    pmf = np.zeros((rows, m + 1))
    pmf[:, 0] = 1.0
    for j in range(m):
        pj = p[:, j : j + 1]
        pmf[:, 1 : j + 2] = pmf[:, 1 : j + 2] * (1 - pj) + pmf[:, : j + 1] * pj
        pmf[:, 0] *= 1 - p[:, j]
    return pmf
