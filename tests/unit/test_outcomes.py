"""The closed-form outcome quantities (METHODS §1.3): identities and invariants."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from smartpick.core.model.outcomes import normal_nodes, outcomes, poisson_binomial

unit = st.floats(0, 1, allow_nan=False)


@st.composite
def instances(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    nodes = draw(st.integers(1, 6))
    m = draw(st.integers(1, 8))
    raw = draw(arrays(np.float64, nodes, elements=st.floats(0.01, 1)))
    p = draw(arrays(np.float64, (nodes, m), elements=unit))
    q = draw(arrays(np.float64, (nodes, m), elements=unit))
    return raw / raw.sum(), p, q


@given(instances())
def test_where_you_end_up_and_unmatched_add_to_one(case: tuple[np.ndarray, ...]) -> None:
    w, p, q = case
    o = outcomes(w, p, q)
    assert o.p_end_up.sum() + o.p_unmatched == pytest.approx(1.0)
    assert np.all((o.p_end_up >= -1e-12) & (o.p_end_up <= o.p_standalone + 1e-12))


@given(instances())
def test_every_probability_lies_in_zero_to_one(case: tuple[np.ndarray, ...]) -> None:
    o = outcomes(*case)
    for values in (o.p_interview, o.p_standalone, o.p_end_up, o.leave_one_out, o.interviews_pmf):
        assert np.all((values >= -1e-12) & (values <= 1 + 1e-12))
    assert 0 <= o.p_match <= 1


def test_certain_programs_give_a_chance_of_exactly_one_not_past_it() -> None:
    # Found by a random draw: weights normalised to 1 may sum past it in floating point.
    raw = np.array([0.33456451634857687, 0.8341657003031572])
    w = raw / raw.sum()
    assert w @ np.ones(2) > 1.0
    o = outcomes(w, np.ones((2, 1)), np.ones((2, 1)))
    assert o.p_match == 1.0 and o.p_unmatched == 0.0


@settings(max_examples=50)
@given(instances())
def test_leave_one_out_equals_recomputing_without_the_program(case: tuple[np.ndarray, ...]) -> None:
    w, p, q = case
    o = outcomes(w, p, q)
    for j in range(p.shape[1]):
        keep = [i for i in range(p.shape[1]) if i != j]
        without = outcomes(w, p[:, keep], q[:, keep]).p_match if keep else 0.0
        assert o.p_match - without == pytest.approx(o.leave_one_out[j], abs=1e-9)


@given(instances())
def test_applying_to_more_programs_never_lowers_the_match_chance(
    case: tuple[np.ndarray, ...],
) -> None:
    w, p, q = case
    chances = [outcomes(w, p[:, :k], q[:, :k]).p_match for k in range(1, p.shape[1] + 1)]
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(chances))


@given(arrays(np.float64, (3, 7), elements=unit))
def test_the_interview_count_distribution_sums_to_one_with_the_right_mean(p: np.ndarray) -> None:
    pmf = poisson_binomial(p)
    assert pmf.sum(axis=1) == pytest.approx(np.ones(3))
    assert pmf @ np.arange(8) == pytest.approx(p.sum(axis=1))


def test_the_interview_count_matches_a_binomial_when_programs_are_alike() -> None:
    pmf = poisson_binomial(np.full((1, 4), 0.5))[0]
    assert pmf == pytest.approx(np.array([1, 4, 6, 4, 1]) / 16)


def test_certain_programs_and_an_impossible_one() -> None:
    w = np.array([1.0])
    o = outcomes(w, np.array([[1.0, 1.0, 0.0]]), np.array([[1.0, 1.0, 1.0]]))
    assert o.p_match == 1.0 and list(o.p_end_up) == [1.0, 0.0, 0.0]
    assert list(o.leave_one_out) == [0.0, 0.0, 0.0]  # either sure program alone suffices


def test_quadrature_weights_integrate_normal_moments() -> None:
    z, w = normal_nodes(20)
    assert w.sum() == pytest.approx(1.0)
    assert w @ z == pytest.approx(0.0, abs=1e-12) and w @ z**2 == pytest.approx(1.0)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(ValueError, match="summing to 1"):
        outcomes(np.array([0.5]), np.zeros((1, 2)), np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        outcomes(np.array([1.0]), np.full((1, 2), 1.5), np.zeros((1, 2)))
