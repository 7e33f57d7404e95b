"""The decision rule: how many applications to recommend (core.plan.decision)."""

from __future__ import annotations

import numpy as np
import pytest

from smartpick.core.plan.decision import COST_OF_NOT_MATCHING, recommend


def curve(h: int = 60, scale: float = 8.0, top: float = 0.95) -> np.ndarray:
    return top * (1 - np.exp(-np.arange(1, h + 1) / scale))


FEES = np.array([11.0 * min(h, 30) + 30.0 * max(h - 30, 0) for h in range(1, 61)])


def test_an_application_is_recommended_while_it_is_worth_its_fee() -> None:
    lower = curve()
    rec = recommend(lower, FEES, 0.99, 50_000.0)
    n = rec.n
    gain_next = 50_000.0 * (lower[n] - lower[n - 1]) if n < len(lower) else 0.0
    fee_next = FEES[n] - FEES[n - 1] if n < len(lower) else 0.0
    assert gain_next <= fee_next + 1e-9  # the next one is not worth it
    assert 50_000.0 * (lower[n - 1] - lower[n - 2]) >= FEES[n - 1] - FEES[n - 2]


def test_a_dearer_lost_year_buys_more_applications() -> None:
    lower = curve()
    counts = [recommend(lower, FEES, 0.99, cost).n for cost in (2_000.0, 20_000.0, 200_000.0)]
    assert counts == sorted(counts) and counts[0] < counts[-1]


def test_a_reachable_target_is_a_floor() -> None:
    lower = curve()
    cheap = recommend(lower, FEES, 0.9, 100.0)  # applications hardly worth anything
    assert cheap.reaches_target == int(np.argmax(lower >= 0.9)) + 1
    assert cheap.n == cheap.reaches_target
    assert "target" in cheap.why


def test_an_unreachable_target_is_said() -> None:
    rec = recommend(curve(top=0.6), FEES, 0.9, COST_OF_NOT_MATCHING.value)
    assert rec.reaches_target is None
    assert "out of reach" in rec.why


def test_the_default_cost_names_its_source() -> None:
    assert COST_OF_NOT_MATCHING.value > 0
    assert "AAMC" in COST_OF_NOT_MATCHING.source and COST_OF_NOT_MATCHING.year >= 2025


def test_a_limit_given_is_the_reason_when_the_curve_runs_out() -> None:
    rec = recommend(curve(h=10), FEES[:10], 0.99, 1e6, "the most your budget allows")
    assert rec.n == 10 and rec.why == "the most your budget allows"
    assert rec.best_value == pytest.approx(10)
