"""The optimizer against brute force on small instances (METHODS §5.1)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartpick.core.plan.optimize import (
    candidates,
    greedy,
    mixture_greedy,
    mixture_value,
    signal_dp,
    value,
)


def brute(f: np.ndarray, t: np.ndarray, h: int) -> float:
    return max(value(f, t, c) for c in itertools.combinations(range(f.size), h))


def instance(seed: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(0.01, 0.9, m), rng.uniform(1, 100, m)


@pytest.mark.parametrize("seed", range(60))
def test_greedy_equals_brute_force_and_is_nested(seed: int) -> None:
    f, t = instance(seed, 9)
    result = greedy(f, t, 9)
    for h in range(1, 6):
        assert result.values[h - 1] == pytest.approx(brute(f, t, h), rel=1e-12)
        assert value(f, t, result.order[:h]) == pytest.approx(result.values[h - 1], rel=1e-12)
    # Nested: the list for h - 1 is a prefix of the list for h, by construction and by check.
    for h in range(2, 9):
        assert greedy(f, t, h - 1).order == greedy(f, t, h).order[: h - 1]


def test_kapur_hong_counterexample_to_top_h_by_expected_value() -> None:
    # METHODS §2.1: naive top-h by f*t picks {1, 2} (48.8); the optimum is {2, 3} (49.4).
    f, t = np.array([0.4, 0.4, 0.3]), np.array([70.0, 80.0, 90.0])
    result = greedy(f, t, 2)
    assert sorted(result.order) == [1, 2] and result.values[1] == pytest.approx(49.4)


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 10_000), shift=st.floats(0.0, 50.0))
def test_adding_a_constant_to_every_utility_changes_nothing(seed: int, shift: float) -> None:
    f, t = instance(seed, 8)
    # Shifting every utility and the value of going unmatched alike: the same lists, the
    # values shifted by the constant.
    shifted, plain = greedy(f, t + shift, 8, t0=shift), greedy(f, t, 8)
    assert shifted.order == plain.order
    np.testing.assert_allclose(shifted.values, plain.values + shift)
    assert value(f, t + shift, plain.order[:3], t0=shift) == pytest.approx(
        value(f, t, plain.order[:3]) + shift
    )


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_a_larger_budget_never_lowers_the_value(seed: int) -> None:
    f, t = instance(seed, 12)
    assert np.all(np.diff(greedy(f, t, 12).values) >= -1e-12)


def brute_signals(t: np.ndarray, options: np.ndarray, h: int, caps: list[int]) -> float:
    m, n = options.shape
    best = 0.0
    for choice in itertools.product(range(n + 1), repeat=m):  # 0 skip, 1 + option
        used = [j for j in range(m) if choice[j]]
        if len(used) > h:
            continue
        counts = [sum(1 for j in used if choice[j] - 1 == o) for o in range(1, n)]
        if any(c > cap for c, cap in zip(counts, caps, strict=True)):
            continue
        f = np.array([options[j, choice[j] - 1] if choice[j] else 0.0 for j in range(m)])
        best = max(best, value(f, t, used))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_the_signal_program_equals_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = 6
    base = rng.uniform(0.01, 0.5, m)
    tiers = 1 + seed % 2
    lifts = [rng.uniform(0.0, 0.4, m) for _ in range(tiers)]
    options = np.column_stack(
        [base, *[np.minimum(base + sum(lifts[: k + 1]), 0.99) for k in range(tiers)]]
    )
    t = rng.uniform(1, 10, m) if seed % 3 else np.ones(m)
    caps = [2, 1][:tiers]
    h = 3 + seed % 2
    plan = signal_dp(t, options, h, caps)
    for budget in range(1, h + 1):
        chosen, signals, best = plan.at(budget)
        assert best == pytest.approx(brute_signals(t, options, budget, caps), rel=1e-12)
        f = np.array([options[j, signals.get(j, 0)] for j in range(m)])
        assert value(f, t, chosen) == pytest.approx(best, rel=1e-12)
        assert len(chosen) <= budget
        for o, cap in enumerate(caps, start=1):
            assert sum(1 for v in signals.values() if v == o) <= cap


def test_every_budget_is_traced_back_at_once_as_one_at_a_time() -> None:
    rng = np.random.default_rng(11)
    base = rng.uniform(0.01, 0.4, 25)
    options = np.column_stack([base, np.minimum(base + 0.3, 0.99), np.minimum(base + 0.5, 0.99)])
    plan = signal_dp(np.ones(25), options, 12, [2, 3])
    every = plan.choices()
    for h in range(13):
        chosen, signals, _ = plan.at(h)
        assert set(np.flatnonzero(every[h])) == set(chosen)
        assert {j: int(every[h, j]) - 1 for j in chosen if every[h, j] > 1} == signals


@pytest.mark.parametrize("seed", range(10))
def test_pruning_to_candidates_keeps_every_optimum_when_programs_are_worth_the_same(
    seed: int,
) -> None:
    rng = np.random.default_rng(seed)
    m = 60
    base = rng.uniform(0.0, 0.3, m)
    options = np.column_stack([base, np.minimum(base + rng.uniform(0, 0.5, m), 0.99)])
    full = signal_dp(np.ones(m), options, 12, [4])
    keep = candidates(options, 12)
    pruned = signal_dp(np.ones(keep.size), options[keep], 12, [4])
    assert keep.size < m
    np.testing.assert_allclose(pruned.surface[:, -1, -1], full.surface[:, -1, -1], rtol=1e-12)


def test_without_signals_the_program_equals_greedy() -> None:
    f, t = instance(3, 30)
    plan = signal_dp(t, f[:, None], 10, [])
    assert plan.at(10)[2] == pytest.approx(greedy(f, t, 10).values[9], rel=1e-12)
    assert np.all(np.diff(plan.surface[:, 0, 0]) >= -1e-12)


@pytest.mark.parametrize("seed", range(30))
def test_mixture_greedy_is_certified_against_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m, q, h = 9, 5, 4
    w = rng.dirichlet(np.ones(q))
    strength = np.linspace(-1.5, 1.5, q)[:, None]
    f = 1 / (1 + np.exp(-(rng.normal(-1, 1, m)[None, :] + 1.5 * strength)))
    t = rng.uniform(1, 10, m) if seed % 2 else np.ones(m)
    result = mixture_greedy(w, f, t, h)
    assert mixture_value(w, f, t, result.order) == pytest.approx(result.values[-1], rel=1e-10)
    best = max(mixture_value(w, f, t, c) for c in itertools.combinations(range(m), h))
    assert result.values[-1] <= best + 1e-12 <= result.bounds[-1] + 2e-12
    assert -1e-12 <= result.gaps[-1] < 0.1
