"""The applicant model: latent strength, interviews, conversion, and the typical applicant.

Strength. Among the applicants of one type who prefer a specialty (the pool), Step 2 CK is a
mixture of the matched and unmatched normals of the standing (docs/model.md); z is the score
in pool units, z = (x - centre) / sd. Programs see a strength

    S = b z + sigma e,   e ~ N(0, 1),

where b (the score's weight) and sigma (everything else a program sees: letters, school,
interviews; shared by every program, so it carries the correlation between programs) are
fitted per applicant type. Over the pool, S has mean 0 and variance v = b^2 var(z) + sigma^2.

Interviews. A program's cell rate (core.interview) is anchored at v, so an applicant of
strength S is offered an interview with probability expit(A + S).

Conversion. Once interviewed, the program ranks the applicant high enough to match with
probability expit(c + S), c fitted per type: the same strength that earns interviews
converts them.

Given S, programs decide independently; the quantities of METHODS §1.3 (core.outcomes)
follow by integrating over e on Gauss-Hermite nodes. Every probability rises with S, and S
with the score (b > 0), so P(match) never falls as Step 2 CK rises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from smartpick.core.interview import anchor, expit
from smartpick.core.outcomes import normal_nodes
from smartpick.core.standing import Figures

Array = NDArray[np.float64]
NODES = 20


@dataclass(frozen=True)
class Params:
    """The fitted parameters of one applicant type."""

    score_weight: float  # b: log-odds per pool standard deviation of Step 2 CK
    spread: float  # sigma: the standard deviation of what programs see beyond the score
    conversion: float  # c: log-odds of matching at an interviewing program, at S = 0


@dataclass(frozen=True)
class Pool:
    """The Step 2 CK scores of one type's applicants to one specialty (matched + unmatched)."""

    centre: float
    sd: float
    var_z: float  # the variance of z = (x - centre) / sd over the pool

    @classmethod
    def from_figures(cls, f: Figures) -> Pool:
        m0 = f.matched_centre if f.unmatched_centre is None else f.unmatched_centre
        share = f.match_share
        gap = (f.matched_centre - m0) / f.matched_sd
        centre = share * f.matched_centre + (1 - share) * m0
        return cls(centre, f.matched_sd, 1.0 + share * (1 - share) * gap**2)

    def z(self, score: float | Array) -> Array:
        return np.asarray((np.asarray(score, dtype=np.float64) - self.centre) / self.sd)


def variance(params: Params, pool: Pool) -> float:
    """The variance of strength over the pool, at which program rates are anchored."""
    return params.score_weight**2 * pool.var_z + params.spread**2


def strength(
    params: Params, pool: Pool, score: float | None, nodes: int = NODES
) -> tuple[Array, Array]:
    """Nodes and weights of one applicant's strength S. Without a score, S is spread like the
    pool's (a wider distribution: nothing pins it down)."""
    e, w = normal_nodes(nodes)
    if score is None:
        return np.sqrt(variance(params, pool)) * e, w
    return params.score_weight * float(pool.z(score)) + params.spread * e, w


def interview(anchors: Array, s: Array) -> Array:
    """(Q, m): P(interview) at each strength node for programs with these intercepts."""
    return expit(anchors[None, :] + s[:, None])


def conversion(params: Params, s: Array) -> Array:
    """(Q,): P(ranked high enough to match | interviewed) at each strength node."""
    return expit(params.conversion + s)


@dataclass(frozen=True)
class Typical:
    """How a typical applicant of a type applies in a specialty.

    Each cell is one kind of application (in-state or not, which signal): its share of the
    applicant's applications, and the programs' population log-odds with the expected number
    of applications going to them (`weights`, summing to the number of applications). Programs
    with nearly equal log-odds are merged (`compress`): the sums below are then over at most a
    few dozen groups instead of hundreds of programs.
    """

    cells: Sequence[tuple[float, Array, Array]]  # (share, population logits, weights)

    @property
    def applications(self) -> float:
        return float(self.cells[0][2].sum()) if self.cells else 0.0


def compress(logits: Array, weights: Array, groups: int = 32) -> tuple[Array, Array]:
    """Merge programs into at most `groups` groups of consecutive log-odds (equal weight per
    group), each at its weighted mean log-odds."""
    order = np.argsort(logits)
    cum = np.cumsum(weights[order])
    if cum.size == 0 or cum[-1] <= 0:
        return np.zeros(0), np.zeros(0)
    label = np.minimum((cum / cum[-1] * groups).astype(int), groups - 1)
    total = np.bincount(label, weights=weights[order], minlength=groups)
    mean = np.bincount(label, weights=weights[order] * logits[order], minlength=groups)
    keep = total > 0
    return np.asarray(mean[keep] / total[keep], dtype=np.float64), total[keep].astype(np.float64)


def typical_p_match(
    params: Params, pool: Pool, typical: Typical, scores: Array, nodes: int = NODES
) -> Array:
    """P(match | Step 2 CK) of a typical applicant, for each score."""
    w, log_miss, _ = mean_field(params, pool, typical, scores, nodes)
    return np.asarray(1.0 - np.exp(log_miss) @ w, dtype=np.float64)


def mean_field(
    params: Params,
    pool: Pool,
    typical: Typical,
    scores: Array,
    nodes: int = NODES,
    count: bool = False,
) -> tuple[Array, Array, Array | None]:
    """A typical applicant at each score and strength node: the node weights (Q,), log P(no
    program won) (n, Q) and, with `count`, the expected number of interviews (n, Q).

    Mean field over the list: log P(no program won) = sum_j weight_j E_cell log(1 - p q), the
    expected log over the random list, exact when the chances of applying are small and close
    otherwise.
    """
    v = variance(params, pool)
    e, w = normal_nodes(nodes)
    s = params.score_weight * pool.z(scores)[:, None] + params.spread * e[None, :]  # (n, Q)
    q = conversion(params, s)
    log_miss = np.zeros_like(s)
    interviews = np.zeros_like(s) if count else None
    for share, pop_logit, weight in typical.cells:
        p = expit(anchor(pop_logit, v)[:, None, None] + s[None, :, :])  # (k, n, Q)
        f = np.minimum(p * q[None, :, :], 1 - 1e-15)
        log_miss += share * np.tensordot(weight, np.log1p(-f), axes=1)
        if interviews is not None:
            interviews += share * np.tensordot(weight, p, axes=1)
    return w, log_miss, interviews
