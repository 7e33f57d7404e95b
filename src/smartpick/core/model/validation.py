"""Scores of probabilistic predictions on weighted individuals (METHODS §5.4).

Every published cell is expanded to individuals (core.model.targets.individuals): matched and
unmatched applicants at their score nodes, each with a count. A prediction is scored by the
count-weighted Brier score and log loss; its calibration by a reliability table (predicted
against observed in bins of the prediction) and by the logistic recalibration slope and
intercept (a perfectly calibrated model has slope 1 and intercept 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
EPS = 1e-12


@dataclass(frozen=True)
class Scores:
    brier: float
    log_loss: float
    count: float


def scores(p: Array, y: Array, n: Array) -> Scores:
    """Count-weighted Brier score and log loss (natural log)."""
    p = np.clip(p, EPS, 1 - EPS)
    total = float(n.sum())
    brier = float(n @ (p - y) ** 2) / total
    loss = -float(n @ (y * np.log(p) + (1 - y) * np.log1p(-p))) / total
    return Scores(brier, loss, total)


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    predicted: float
    observed: float
    count: float


def reliability(p: Array, y: Array, n: Array, bins: int = 10) -> list[Bin]:
    """Predicted against observed, in equal-width bins of the prediction (empty bins left out)."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p, edges) - 1, 0, bins - 1)
    out = []
    for b in range(bins):
        mask = which == b
        count = float(n[mask].sum())
        if count <= 0:
            continue
        out.append(
            Bin(
                float(edges[b]),
                float(edges[b + 1]),
                float(n[mask] @ p[mask]) / count,
                float(n[mask] @ y[mask]) / count,
                count,
            )
        )
    return out


def expected_calibration_error(table: list[Bin]) -> float:
    """The count-weighted mean gap between predicted and observed over the bins."""
    total = sum(b.count for b in table)
    return sum(b.count * abs(b.predicted - b.observed) for b in table) / total


def recalibration(p: Array, y: Array, n: Array) -> tuple[float, float]:
    """(intercept, slope) of the logistic regression of the outcome on logit(p), by Newton's
    method on the weighted individuals."""
    p = np.clip(p, EPS, 1 - EPS)
    x = np.log(p) - np.log1p(-p)
    design = np.column_stack([np.ones_like(x), x])
    beta = np.array([0.0, 1.0])
    for _ in range(50):
        mu = 1 / (1 + np.exp(-(design @ beta)))
        grad = design.T @ (n * (y - mu))
        hess = design.T @ (design * (n * mu * (1 - mu))[:, None])
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return float(beta[0]), float(beta[1])


def pooled_logistic(x: Array, y: Array, n: Array) -> tuple[float, float]:
    """(a, b) of P = expit(a + b (x - mean x)) fitted to weighted individuals: the baseline that
    uses the same covariate (the score) without the programs."""
    centre = float(n @ x / n.sum())
    design = np.column_stack([np.ones_like(x), x - centre])
    beta = np.zeros(2)
    for _ in range(100):
        mu = 1 / (1 + np.exp(-(design @ beta)))
        grad = design.T @ (n * (y - mu))
        hess = design.T @ (design * (n * mu * (1 - mu))[:, None]) + 1e-9 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    return float(beta[0] - beta[1] * centre), float(beta[1])
