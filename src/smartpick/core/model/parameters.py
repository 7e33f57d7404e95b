"""The applicant model: latent strength, interviews, conversion, and the typical applicant.

Strength. Among the applicants of one type who prefer a specialty (the pool), Step 2 CK is a
mixture of the matched and unmatched normals of the standing (docs/model.md); z is the score
in pool units, z = (x - centre) / sd. Programs see a strength

    S = b z + sigma e,   e ~ N(0, 1),

where b (the score's weight) and sigma (everything else a program sees: letters, school,
interviews; shared by every program, so it carries the correlation between programs) are
fitted per applicant type. Over the pool, S has mean 0 and variance v = b^2 var(z) + sigma^2.

Interviews. A program's cell rate (core.model.interview) is anchored at v, so an applicant of
strength S is offered an interview with probability expit(A + S).

Conversion. Once interviewed, the program ranks the applicant high enough to match with
probability expit(c + lambda S + tau eta), eta ~ N(0, 1): c fitted per type, lambda how much
of the strength that earns interviews also converts them, and eta what the interviews show,
shared by every program that interviews the applicant and unseen before.

Given S and eta, programs decide independently; the quantities of METHODS §1.3
(core.model.outcomes) follow by integrating over e and eta on Gauss-Hermite nodes (a product
grid). Every probability rises with S, and S with the score (b > 0, lambda > 0), so P(match)
never falls as Step 2 CK rises. The typical applicant of a type (Outlook) applies to a list
drawn from the specialty's programs; its number of interviews is counted, so that the
published figures on interviews can be met as well as the match shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from smartpick.core.model.interview import anchor, expit
from smartpick.core.model.outcomes import normal_nodes
from smartpick.core.model.standing import Figures

Array = NDArray[np.float64]
NODES = 16
ETA_NODES = 5  # nodes of what the interviews show (eta)


@dataclass(frozen=True)
class Params:
    """The fitted parameters of one applicant type."""

    score_weight: float  # b: log-odds per pool standard deviation of Step 2 CK
    spread: float  # sigma: the standard deviation of what programs see beyond the score
    conversion: float  # c: log-odds of matching at an interviewing program, at S = 0
    # tau: the standard deviation of what the interviews show (eta), shared by every program
    # that interviews the applicant and unseen when programs choose whom to interview
    conversion_spread: float = 0.0
    # lambda: how much of the strength that earns interviews also converts them
    conversion_weight: float = 1.0
    # alpha: how closely a typical applicant's list follows the programs' rates for the type
    # (the chance of applying grows with rate ** alpha; 0: applications spread evenly)
    targeting: float = 1.0


@dataclass(frozen=True)
class Nodes:
    """Quadrature nodes of one applicant's unknowns, a product grid flattened to Q nodes:
    the strength S programs see before interviews (`s`) and what the interviews show
    (`eta`, standard normal), with weights `w` summing to one."""

    s: Array
    eta: Array
    w: Array


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


def strength(params: Params, pool: Pool, score: float | None, nodes: int = NODES) -> Nodes:
    """Nodes and weights of one applicant's strength S and interview draw eta. Without a
    score, S is spread like the pool's (a wider distribution: nothing pins it down)."""
    e, w = normal_nodes(nodes)
    if score is None:
        s = np.sqrt(variance(params, pool)) * e
    else:
        s = params.score_weight * float(pool.z(score)) + params.spread * e
    if params.conversion_spread <= 0:
        return Nodes(np.asarray(s, dtype=np.float64), np.zeros(e.size), w)
    h, v = normal_nodes(ETA_NODES)
    return Nodes(np.repeat(s, h.size), np.tile(h, s.size), np.outer(w, v).ravel())


def interview(anchors: Array, s: Array) -> Array:
    """(Q, m): P(interview) at each strength node for programs with these intercepts."""
    return expit(anchors[None, :] + s[:, None])


def conversion(params: Params, nodes: Nodes) -> Array:
    """(Q,): P(ranked high enough to match | interviewed) at each node."""
    return expit(
        params.conversion
        + params.conversion_weight * nodes.s
        + params.conversion_spread * nodes.eta
    )


@dataclass(frozen=True)
class Typical:
    """How a typical applicant of a type applies in a specialty.

    Each cell is one kind of application (in-state or not, which signal): its share of the
    applicant's applications, and the programs' population log-odds with the expected number
    of applications going to them (`weights`, summing to the number of applications) and the
    sum of the squared chances of applying (`squares`). Programs with nearly equal log-odds
    are merged (`compress`): the sums below are then over at most a few dozen groups instead
    of hundreds of programs.
    """

    cells: Sequence[tuple[float, Array, Array, Array]]  # (share, logits, weights, squares)

    @property
    def applications(self) -> float:
        return float(self.cells[0][2].sum()) if self.cells else 0.0


def compress(logits: Array, weights: Array, groups: int = 32) -> tuple[Array, Array, Array]:
    """Merge programs into at most `groups` groups of consecutive log-odds (equal numbers of
    programs, so that the groups do not move when the weights do), each at its weighted mean
    log-odds: (mean log-odds, sum of weights, sum of squared weights) per group."""
    order = np.argsort(logits, kind="stable")
    if order.size == 0 or weights.sum() <= 0:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    label = np.arange(order.size) * groups // order.size
    total = np.bincount(label, weights=weights[order], minlength=groups)
    mean = np.bincount(label, weights=weights[order] * logits[order], minlength=groups)
    squares = np.bincount(label, weights=weights[order] ** 2, minlength=groups)
    keep = total > 0
    return (
        np.asarray(mean[keep] / total[keep], dtype=np.float64),
        total[keep].astype(np.float64),
        squares[keep].astype(np.float64),
    )


@dataclass(frozen=True)
class Outlook:
    """A typical applicant at n scores: the number of interviews and the match.

    Each program of the typical list is applied to independently with its chance of being
    on the list, so at a node e of strength the number of interviews K is Poisson-binomial
    with per-program chances pi_j = (chance of applying) x P(interview). It is taken as the
    binomial with the same mean lam = sum pi and variance lam - kap (kap = sum pi^2): N =
    lam^2 / kap trials of chance lam / N, N not necessarily whole (the generating function
    (1 - p (1 - s))^N is smooth in N, which the fit needs). Once interviewed, every program
    ranks the applicant high enough with the same chance q (which also depends on eta),
    independently given (e, eta): K interviews give a match with probability 1 - (1 - q)^K.
    """

    w_e: Array  # (Qe,)
    w_eta: Array  # (Qh,)
    lam: Array  # (n, Qe)
    kap: Array  # (n, Qe)
    q: Array  # (n, Qe, Qh)

    def _trials(self) -> tuple[Array, Array]:
        """(N, p) of the binomial."""
        lam = np.maximum(self.lam, 1e-12)
        n = np.maximum(lam**2 / np.maximum(self.kap, 1e-300), 1.0)
        return n, np.minimum(lam / n, 1.0)

    def p_match(self) -> Array:
        """(n,) P(match) = 1 - E[(1 - p q)^N]."""
        n, p = self._trials()
        miss = (1.0 - p[..., None] * self.q) ** n[..., None]
        return np.asarray(1.0 - (miss @ self.w_eta) @ self.w_e)

    def p_interviewed(self) -> Array:
        """(n,) P(at least one interview)."""
        n, p = self._trials()
        return np.asarray(1.0 - ((1.0 - p) ** n) @ self.w_e)

    def pmf(self, kmax: int) -> Array:
        """(n, Qe, kmax + 1): P(K = k | e) for k = 0..kmax (the last holds k >= kmax)."""
        n, p = self._trials()
        out = _binomial(n, p, kmax)
        out[..., kmax] = np.maximum(1.0 - out[..., :kmax].sum(axis=-1), 0.0)
        return out

    def match_given(self, kmax: int) -> Array:
        """(n, Qe, kmax + 1): P(match | K = k, e), averaged over eta."""
        k = np.arange(kmax + 1, dtype=np.float64)
        miss = (1.0 - self.q)[..., None] ** k  # (n, Qe, Qh, K)
        return np.asarray(1.0 - np.einsum("neqk,q->nek", miss, self.w_eta))


def _binomial(trials: Array, p: Array, kmax: int) -> Array:
    """Binomial probabilities of k = 0..kmax successes, element-wise over the arrays, by the
    ratio of successive terms; for a number of trials that is not whole, the terms past it
    are dropped and the rest rescaled to sum to one."""
    p = np.clip(p, 0.0, 1 - 1e-12)
    out = np.zeros((*p.shape, kmax + 1))
    term = np.exp(trials * np.log1p(-p))
    ratio = p / (1 - p)
    for k in range(kmax + 1):
        out[..., k] = term
        term = term * np.maximum(trials - k, 0.0) / (k + 1) * ratio
    total = out.sum(axis=-1, keepdims=True)
    tail = np.maximum(1.0 - total, 0.0)  # mass beyond kmax where the trials reach it
    whole = total + tail * (trials[..., None] > kmax)
    return np.asarray(out / np.maximum(whole, 1e-300), dtype=np.float64)


def outlook(
    params: Params, pool: Pool, typical: Typical, scores: Array, nodes: int = NODES
) -> Outlook:
    """The typical applicant of `typical` at each score (scores in points)."""
    v = variance(params, pool)
    e, w = normal_nodes(nodes)
    s = params.score_weight * pool.z(scores)[:, None] + params.spread * e[None, :]  # (n, Qe)
    lam = np.zeros_like(s)
    kap = np.zeros_like(s)
    for share, pop_logit, weight, square in typical.cells:
        p = expit(anchor(pop_logit, v)[:, None, None] + s[None, :, :])  # (k, n, Qe)
        lam += share * np.tensordot(weight, p, axes=1)
        kap += share**2 * np.tensordot(square, p**2, axes=1)
    if params.conversion_spread > 0:
        h, v_eta = normal_nodes(ETA_NODES)
    else:
        h, v_eta = np.zeros(1), np.ones(1)
    q = expit(
        params.conversion
        + params.conversion_weight * s[:, :, None]
        + params.conversion_spread * h[None, None, :]
    )
    return Outlook(w, v_eta, lam, kap, np.asarray(q, dtype=np.float64))


def typical_p_match(
    params: Params, pool: Pool, typical: Typical, scores: Array, nodes: int = NODES
) -> Array:
    """P(match | Step 2 CK) of a typical applicant, for each score."""
    return outlook(params, pool, typical, scores, nodes).p_match()
