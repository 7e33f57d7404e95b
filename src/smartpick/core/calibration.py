"""Closed-form calibration (METHODS §3.6, fallback): fit the model's few parameters so that
typical applicants reproduce the published Step 2 CK distributions of matched and unmatched
applicants, specialty by specialty.

Targets. One per published cell (specialty x applicant type): the matched and unmatched
applicants with their score distributions (core.standing), expanded to individuals: n1
matched applicants spread over their normal, n0 unmatched over theirs, on Gauss-Hermite
nodes. The log-likelihood of those individuals under the model's P(match | score) is what
the fit maximizes; each cell carries two targets (its match share and how the chance moves
with the score) or one where the unmatched scores are suppressed.

Parameters. Per applicant type, the score's weight b, the spread sigma of what programs see
beyond the score, and the conversion c (core.model); per specialty, one conversion offset u
shared by every type, shrunk toward 0 by a normal prior (sd 1 on the log-odds scale). A
specialty left out of the fit gets u = 0: its prediction then rests on its programs'
published interview rates alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from smartpick.core.interview import CellRates, expit
from smartpick.core.model import (
    Params,
    Pool,
    Typical,
    compress,
    mean_field,
    typical_p_match,
)
from smartpick.core.outcomes import normal_nodes
from smartpick.core.standing import Figures

Array = NDArray[np.float64]
FIT_NODES = 12  # strength nodes while fitting
SCORE_NODES = 8  # nodes per matched / unmatched score distribution
PRIOR_SD = 1.0  # of the specialty conversion offsets, log-odds
STEP = 1e-5  # central differences of the log-likelihood


@dataclass(frozen=True)
class Target:
    """One published cell: who applied, how they scored, and how they apply."""

    specialty: str
    applicant_type: str
    figures: Figures
    pool: Pool
    typical: Typical

    @property
    def counts(self) -> tuple[float, float]:
        """(matched, unmatched) applicants behind the match share."""
        total = self.figures.share_n
        return self.figures.match_share * total, (1 - self.figures.match_share) * total

    @property
    def targets(self) -> int:
        return 1 if self.figures.unmatched_centre is None else 2


def typical_applicant(cells: CellRates, applicant_type: str, applications: float) -> Typical:
    """A typical applicant of the type: `applications` programs, chosen with chances in
    proportion to each program's population interview rate for the type (applicants go
    where applicants like them are interviewed), none above 1; applications split over
    in-state and signal cells in the specialty's mix."""
    mix = cells.mix
    rest = 1.0 - sum(mix.tiers.values())
    parts: list[tuple[float, Array]] = []
    for loc_share, loc in ((mix.in_state, cells.location), (1 - mix.in_state, 0 * cells.location)):
        base = cells.level[applicant_type] + loc
        parts.append((loc_share * rest, base))
        parts += [(loc_share * s, base + cells.signal[t]) for t, s in mix.tiers.items()]
    rate = sum(share * expit(logit) for share, logit in parts)
    inclusion = cap_inclusion(np.asarray(rate, dtype=np.float64), applications)
    compressed = []
    for share, logit in parts:
        if share > 0:
            mean, weight = compress(logit, inclusion)
            compressed.append((share, mean, weight))
    return Typical(compressed)


def cap_inclusion(score: Array, total: float) -> Array:
    """Chances proportional to `score`, summing to min(total, m), none above 1."""
    m = score.size
    total = min(total, float(m))
    chance = np.zeros(m)
    free = np.ones(m, dtype=bool)
    for _ in range(m + 1):
        left = total - chance[~free].sum()
        mass = np.where(free, np.maximum(score, 1e-12), 0.0)
        share = left * mass / mass.sum()
        over = free & (share > 1)
        if not over.any():
            chance[free] = share[free]
            break
        chance[over] = 1.0
        free &= ~over
    return chance


def individuals(f: Figures, counts: tuple[float, float]) -> tuple[Array, Array, Array]:
    """The published cell as weighted individuals: (scores, matched 1/0, counts)."""
    z, w = normal_nodes(SCORE_NODES)
    m0 = f.matched_centre if f.unmatched_centre is None else f.unmatched_centre
    x = np.concatenate([f.matched_centre + f.matched_sd * z, m0 + f.matched_sd * z])
    y = np.concatenate([np.ones(z.size), np.zeros(z.size)])
    n = np.concatenate([counts[0] * w, counts[1] * w])
    return x, y, n


@dataclass(frozen=True)
class Fit:
    params: Mapping[str, Params]
    offsets: Mapping[str, float]
    neg_log_likelihood: float
    covariance: Array
    names: tuple[str, ...]
    targets: int
    converged: bool
    application_scale: float = 1.0  # typical applications are scaled by this (calibrate)

    @property
    def parameters(self) -> int:
        return len(self.names)

    def for_cell(self, specialty: str, applicant_type: str) -> Params:
        """The type's parameters with the specialty's offset (0 for a specialty not fitted)."""
        base = self.params[applicant_type]
        return replace(base, conversion=base.conversion + self.offsets.get(specialty, 0.0))


def interviews_when_matched(params: Params, target: Target, nodes: int = FIT_NODES) -> float:
    """The typical applicant's expected number of interviews, among those who match: the
    model's counterpart of programs' interviews per filled position."""
    x, _, n = individuals(target.figures, target.counts)
    w, log_miss, count = mean_field(params, target.pool, target.typical, x, nodes, count=True)
    assert count is not None
    matched = (1 - np.exp(log_miss)) * n[:, None] * w[None, :]
    return float((count * matched).sum() / matched.sum())


def predict(params: Params, target: Target, scores: Array, nodes: int = FIT_NODES) -> Array:
    return typical_p_match(params, target.pool, target.typical, scores, nodes)


def fit(
    targets: Sequence[Target],
    start: Fit | None = None,
    max_iter: int = 400,
    covariance: bool = True,
) -> Fit:
    """Maximum penalized likelihood over every target at once (L-BFGS-B); with `covariance`,
    the Laplace covariance of the parameters as well (a minute more)."""
    types = tuple(sorted({t.applicant_type for t in targets}))
    specialties = tuple(sorted({t.specialty for t in targets}))
    names = tuple(
        [f"{g}:{p}" for g in types for p in ("log_b", "log_sigma", "c")]
        + [f"offset:{s}" for s in specialties]
    )
    data = [(t, *individuals(t.figures, t.counts)) for t in targets]

    def unpack(theta: Array) -> tuple[dict[str, Params], dict[str, float]]:
        params = {
            g: Params(
                float(np.exp(theta[3 * i])),
                float(np.exp(theta[3 * i + 1])),
                float(theta[3 * i + 2]),
            )
            for i, g in enumerate(types)
        }
        offsets = {s: float(theta[3 * len(types) + k]) for k, s in enumerate(specialties)}
        return params, offsets

    n_types = len(types)

    def cell_nll(theta: Array, k: int) -> float:
        t, x, y, n = data[k]
        i = types.index(t.applicant_type)
        params = Params(
            float(np.exp(theta[3 * i])),
            float(np.exp(theta[3 * i + 1])),
            float(theta[3 * i + 2] + theta[3 * n_types + specialties.index(t.specialty)]),
        )
        p = np.clip(predict(params, t, x), 1e-12, 1 - 1e-12)
        return -float(n @ (y * np.log(p) + (1 - y) * np.log1p(-p)))

    # Each cell depends on its type's three parameters and its specialty's offset only, so
    # the gradient by central differences costs eight cell evaluations per cell.
    uses = [
        (
            *range(3 * types.index(t.applicant_type), 3 * types.index(t.applicant_type) + 3),
            3 * n_types + specialties.index(t.specialty),
        )
        for t in targets
    ]

    def objective(theta: Array) -> tuple[float, Array]:
        offsets = theta[3 * n_types :]
        value = float(offsets @ offsets) / (2 * PRIOR_SD**2)
        grad = np.zeros_like(theta)
        grad[3 * n_types :] = offsets / PRIOR_SD**2
        for k in range(len(data)):
            value += cell_nll(theta, k)
            for i in uses[k]:
                step = np.zeros_like(theta)
                step[i] = STEP
                grad[i] += (cell_nll(theta + step, k) - cell_nll(theta - step, k)) / (2 * STEP)
        return value, grad

    theta0 = np.zeros(len(names))
    if start is not None:
        for i, name in enumerate(names):
            theta0[i] = _start_value(start, name)
    result = minimize(
        objective, theta0, jac=True, method="L-BFGS-B", options={"maxiter": max_iter, "ftol": 1e-8}
    )
    params, offsets = unpack(result.x)
    cov = (
        _covariance(lambda theta: objective(theta)[1], result.x)
        if covariance
        else np.full((len(names), len(names)), np.nan)
    )
    return Fit(
        params,
        offsets,
        float(result.fun),
        cov,
        names,
        sum(t.targets for t in targets),
        bool(result.success),
    )


def _covariance(gradient: Callable[[Array], Array], theta: Array, step: float = 1e-3) -> Array:
    """The Laplace covariance: the inverse of the Hessian of the penalized negative
    log-likelihood at the optimum, by central differences of its gradient."""
    n = theta.size
    hessian = np.zeros((n, n))
    for i in range(n):
        shift = np.zeros(n)
        shift[i] = step
        hessian[:, i] = (gradient(theta + shift) - gradient(theta - shift)) / (2 * step)
    hessian = (hessian + hessian.T) / 2
    return np.asarray(np.linalg.pinv(hessian, hermitian=True), dtype=np.float64)


def _start_value(start: Fit, name: str) -> float:
    kind, _, what = name.partition(":")
    if kind == "offset":
        return start.offsets.get(what, 0.0)
    params = start.params.get(kind)
    if params is None:
        return 0.0
    return {
        "log_b": math.log(params.score_weight),
        "log_sigma": math.log(params.spread),
        "c": params.conversion,
    }[what]
