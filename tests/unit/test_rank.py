"""The rank order list (core.plan.rank): no order beats the true order of preference."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from smartpick.core.plan.rank import (
    best_order_by_search,
    match_at,
    order_values,
    rank_interviews,
    true_order,
    value,
)

unit = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def instances(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    m = draw(st.integers(1, 6))
    nodes = draw(st.integers(1, 5))
    q = draw(arrays(np.float64, (nodes, m), elements=unit))
    w = draw(arrays(np.float64, nodes, elements=st.floats(0.01, 1.0)))
    utility = draw(arrays(np.float64, m, elements=st.floats(0.0, 1.0)))
    return utility, q, w / w.sum()


@settings(max_examples=200, deadline=None)
@given(instance=instances())
def test_no_order_beats_the_true_order_of_preference(instance: tuple[np.ndarray, ...]) -> None:
    utility, q, w = instance
    truth = value(true_order(utility), utility, q, w)
    for order in itertools.permutations(range(utility.size)):
        assert value(order, utility, q, w) <= truth + 1e-12
    _, best = best_order_by_search(utility, q, w)
    assert best <= truth + 1e-12


@settings(max_examples=200, deadline=None)
@given(instance=instances())
def test_the_chance_of_matching_is_one_minus_nobody_takes_you(
    instance: tuple[np.ndarray, ...],
) -> None:
    utility, q, w = instance
    order = true_order(utility)
    at = match_at(order, q, w)
    assert (at >= -1e-15).all()
    assert abs(at.sum() - (1 - w @ np.prod(1 - q, axis=1))) < 1e-12
    # Leaving programs off never raises the chance
    for k in range(len(order)):
        assert match_at(order[:k], q, w).sum() <= at.sum() + 1e-12


def test_a_sure_first_choice_takes_everything() -> None:
    q = np.array([[1.0, 0.5, 0.5]])
    at = match_at([0, 1, 2], q, np.ones(1))
    assert at.tolist() == [1.0, 0.0, 0.0]


def test_correlated_strength_is_not_independent_programs() -> None:
    """Two programs that both take the strong and neither the weak: ranking both adds
    nothing over the first, unlike two independent 50% chances (75%)."""
    q = np.array([[1.0, 1.0], [0.0, 0.0]])
    w = np.array([0.5, 0.5])
    assert match_at([0, 1], q, w).tolist() == [0.5, 0.0]


def test_ranking_interviews_gives_a_typed_list_whose_true_order_is_best() -> None:
    w = np.array([0.25, 0.5, 0.25])
    p = np.array([[0.2, 0.5, 0.9], [0.5, 0.7, 0.95], [0.8, 0.9, 0.99]])  # (nodes, programs)
    q = np.array([0.3, 0.5, 0.8])
    utility = np.array([0.4, 1.0, 0.7])
    ranked = rank_interviews(w, p, q, utility)
    assert ranked is not None
    assert ranked.order == [1, 2, 0]  # by the applicant's values
    posterior = w * p.prod(axis=1) / (w * p.prod(axis=1)).sum()
    assert ranked.p_match == pytest.approx(float(posterior @ (1 - (1 - q) ** 3)))
    assert ranked.p_match_at.sum() == pytest.approx(ranked.p_match)
    assert ranked.search is not None and ranked.search.true_order_is_best
    assert all(a.loss >= -1e-12 for a in ranked.alternatives)
    assert {a.order for a in ranked.alternatives} >= {"your least wanted first", "only your top 1"}


def test_interviews_the_model_cannot_give_together_get_no_list() -> None:
    p = np.array([[0.0, 0.5], [0.0, 0.7]])
    assert rank_interviews(np.array([0.5, 0.5]), p, np.array([0.4, 0.6]), order_values(2)) is None
