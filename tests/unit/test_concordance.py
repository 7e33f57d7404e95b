"""A COMLEX Level 2-CE score read as a Step 2 CK equivalent (core.model.concordance)."""

from __future__ import annotations

import math

import pytest

from smartpick.core.model.concordance import pooled, step2_equivalent
from smartpick.core.model.standing import Figures


def figures(n: float, centre: float, sd: float, un: float | None, ucentre: float | None) -> Figures:
    return Figures(2024, n, un, 0.8, centre, sd, ucentre, n + (un or 0))


def test_the_mean_maps_to_the_mean_and_percentiles_are_kept() -> None:
    middle = step2_equivalent(520, 520, 100, 245, 15)
    assert middle.score == 245 and middle.percentile == pytest.approx(0.5)
    high = step2_equivalent(620, 520, 100, 245, 15)  # one spread up on both scales
    assert high.score == 260 and high.percentile == pytest.approx(0.8413, abs=1e-4)
    scores = [step2_equivalent(c, 520, 100, 245, 15).score for c in range(400, 800, 25)]
    assert scores == sorted(scores)


def test_the_range_widens_as_the_scores_correlate_less() -> None:
    tight = step2_equivalent(550, 520, 100, 245, 15, r=0.95)
    loose = step2_equivalent(550, 520, 100, 245, 15, r=0.5)
    assert tight.low <= tight.score <= tight.high
    assert loose.high - loose.low > tight.high - tight.low
    assert loose.spread == pytest.approx(15 * math.sqrt(2 * 0.5))
    assert step2_equivalent(550, 520, 100, 245, 15, r=1.0).spread == 0
    with pytest.raises(ValueError):
        step2_equivalent(550, 520, 0, 245, 15)


def test_the_pool_is_the_mixture_of_matched_and_unmatched() -> None:
    one = figures(100, 240, 10, None, None)
    assert pooled([one]) == pytest.approx((240, 10))
    two = [figures(100, 250, 10, 100, 230)]  # two equal halves 20 apart
    mean, sd = pooled(two)
    assert mean == pytest.approx(240) and sd == pytest.approx(math.sqrt(100 + 100))
    with pytest.raises(ValueError):
        pooled([])
