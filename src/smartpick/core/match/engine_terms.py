"""What the market takes from the engine's closed form (core.model): each cohort's list weights
and intercepts, solved once per market (`prepare`), and the engine's chance of matching for a
drawn applicant's own list (`engine_chance`, for the engine check)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from smartpick.core.model.interview import anchor, expit
from smartpick.core.model.outcomes import normal_nodes
from smartpick.core.model.parameters import ETA_NODES, variance

if TYPE_CHECKING:
    from smartpick.core.match.market import Cohort, SpecialtyMarket

Array = NDArray[np.float64]
ENGINE_NODES = 12  # strength nodes of the engine's closed form, per applicant


def prepare(market: SpecialtyMarket) -> SpecialtyMarket:
    """The market with each cohort's list weights and intercepts solved (once, not per draw):
    cells are ordered out-of-state then in-state, each with no signal then each tier."""
    tiers = list(market.signal_share)
    cohorts = []
    for c in market.cohorts:
        parts = [(1 - sum(market.signal_share.values()), c.level)]
        parts += [(share, c.level + market.signal[t]) for t, share in market.signal_share.items()]
        w_in = market.in_state_share if c.in_state_share is None else c.in_state_share
        rate = sum(
            share * (w_in * expit(lv + market.location) + (1 - w_in) * expit(lv))
            for share, lv in parts
        )
        cells = np.vstack(
            [c.level + loc + (market.signal[t] if t else 0.0)
             for loc in (0.0, market.location) for t in ["", *tiers]]
        )  # fmt: skip
        cohorts.append(
            replace(
                c,
                log_rate=np.log(np.maximum(np.asarray(rate), 1e-12)),
                intercepts=anchor(cells, variance(c.params, c.pool)),
            )
        )
    advanced = None if market.advanced is None else np.asarray(market.advanced, dtype=bool)
    return replace(market, cohorts=tuple(cohorts), advanced=advanced)


def engine_chance(c: Cohort, score: Array, a: Array, sent: NDArray[np.bool_]) -> Array:
    """The engine's closed-form chance of matching for each applicant's own list, knowing
    only the score (core.model): 1 - E[prod_j (1 - expit(A_j + S) expit(c + S + tau eta))],
    S = b z + sigma e, over Gauss-Hermite nodes of e and eta."""
    e, w = normal_nodes(ENGINE_NODES)
    h, v = normal_nodes(ETA_NODES) if c.params.conversion_spread > 0 else (np.zeros(1), np.ones(1))
    base = c.params.score_weight * c.pool.z(score)
    miss = np.zeros(score.size)
    for node, weight in zip(e, w, strict=True):
        s = base + c.params.spread * node
        p = np.where(sent, expit(a + s[:, None]), 0.0)
        for eta, weight_eta in zip(h, v, strict=True):
            q = expit(
                c.params.conversion
                + c.params.conversion_weight * s
                + c.params.conversion_spread * eta
            )
            f = p * q[:, None]
            miss += weight * weight_eta * np.exp(np.log1p(-np.minimum(f, 1 - 1e-15)).sum(axis=1))
    return np.asarray(1.0 - miss, dtype=np.float64)
