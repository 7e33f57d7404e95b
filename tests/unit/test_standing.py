"""The closed-form standing: properties that must hold, and its fallbacks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from smartpick.core.model.standing import Figures, figures_for, p_match, standing

IM = Figures(2026, 3236, 84, 3236 / 3320, 254, (262 - 243) / 1.349, 233, 3320, (), (243, 262))

figures = st.builds(
    Figures,
    year=st.just(2026),
    matched_n=st.floats(20, 5000),
    unmatched_n=st.floats(5, 5000),
    match_share=st.floats(0.05, 0.99),
    matched_centre=st.floats(220, 265),
    matched_sd=st.floats(4, 20),
    unmatched_centre=st.floats(200, 260),
    share_n=st.floats(25, 10000),
)


@given(figures, st.floats(1, 300))
def test_every_probability_lies_in_zero_to_one(f: Figures, score: float) -> None:
    assert 0.0 <= float(p_match(score, f)) <= 1.0


@given(figures, st.floats(150, 290), st.floats(0.5, 20))
def test_p_match_never_falls_when_the_score_rises(f: Figures, score: float, gain: float) -> None:
    if f.unmatched_centre is not None and f.unmatched_centre <= f.matched_centre:
        assert float(p_match(score + gain, f)) >= float(p_match(score, f)) - 1e-12


def test_the_same_inputs_give_the_same_outputs() -> None:
    a = standing(241, IM, np.random.default_rng(7))
    b = standing(241, IM, np.random.default_rng(7))
    assert a == b


def test_the_interval_holds_the_point_and_is_in_zero_to_one() -> None:
    result = standing(241, IM, np.random.default_rng(1))
    assert result.interval is not None and result.p_match is not None
    low, high = result.interval
    assert 0 <= low <= result.p_match <= high <= 1


def test_the_curve_passes_the_match_share_halfway_between_the_centres() -> None:
    midpoint = (IM.matched_centre + (IM.unmatched_centre or 0)) / 2
    assert float(p_match(midpoint, IM)) == pytest.approx(IM.match_share)


def test_percentiles_read_the_matched_quartiles_back() -> None:
    result = standing(254, IM, np.random.default_rng(1))
    assert result.percentile_matched == pytest.approx(0.5)
    for score, share in ((243, 0.25), (262, 0.75)):
        result = standing(score, IM, np.random.default_rng(1))
        assert result.percentile_matched == pytest.approx(share, abs=1e-3)


def test_without_an_unmatched_centre_the_curve_is_flat_and_says_why() -> None:
    flat = Figures(2026, 111, None, 111 / 113, 251, 14.8, None, 113)
    result = standing(230, flat, np.random.default_rng(1))
    assert result.p_match == pytest.approx(flat.match_share)
    assert result.percentile_unmatched is None
    assert any("cannot be estimated" in r for r in result.reasons)


TABLE = {
    ("dermatology", "non-us-img"): {"preferred_specialty_match_rate": 0.167,
                                    "ranked_first_n": 30, "step2_matched_consented_n": 4},
    ("all", "non-us-img"): {"step2_matched_median": 248, "step2_not_matched_median": 242,
                            "step2_matched_consented_n": 4429,
                            "step2_not_matched_consented_n": 4541},
    ("internal_medicine", "non-us-img"): {"preferred_specialty_match_rate": 0.485,
                                          "step2_matched_consented_n": 2649,
                                          "step2_matched_q1": 240, "step2_matched_q3": 259,
                                          "step2_matched_median": 251},
}  # fmt: skip
YEARS = dict.fromkeys(TABLE, 2026)


def test_a_small_group_falls_back_to_the_pooled_curve_and_says_so() -> None:
    f, reasons = figures_for(TABLE, YEARS, "dermatology", "non-us-img")
    assert f is not None and not reasons
    assert f.match_share == 0.167 and f.share_n == 30 and f.matched_centre == 248
    assert f.matched_sd == pytest.approx((259 - 240) / 1.349)
    assert any("pooled" in note for note in f.notes)


def test_us_img_standing_is_unsupported_with_a_reason() -> None:
    f, reasons = figures_for(TABLE, YEARS, "dermatology", "us-img")
    assert f is None and "U.S.-citizen IMGs" in reasons[0]


def test_inconsistent_figures_give_no_standing_and_say_why() -> None:
    table = {("im", "md"): {"matched_n": 100, "not_matched_n": 10, "step2_matched_q1": 250,
                            "step2_matched_median": 250, "step2_matched_q3": 250}}  # fmt: skip
    f, reasons = figures_for(table, {("im", "md"): 2026}, "im", "md")
    assert f is None and "inconsistent" in reasons[0]
