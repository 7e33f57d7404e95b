"""The standing's seeded interval: the same score and figures, the same interval."""

from __future__ import annotations

import numpy as np

from smartpick.core.model.standing import Figures, standing
from smartpick.core.model.standing_interval import SEED, seeded_standing

IM = Figures(2026, 3236, 84, 3236 / 3320, 254, (262 - 243) / 1.349, 233, 3320, (), (243, 262))


def test_the_same_score_always_gets_the_same_interval() -> None:
    assert seeded_standing(241, IM).interval == seeded_standing(241, IM).interval


def test_the_interval_is_the_bootstrap_drawn_from_the_seed() -> None:
    assert seeded_standing(241, IM) == standing(241, IM, np.random.default_rng(SEED))


def test_the_interval_holds_the_point_estimate() -> None:
    result = seeded_standing(241, IM)
    assert result.interval is not None and result.p_match is not None
    low, high = result.interval
    assert 0.0 <= low <= result.p_match <= high <= 1.0
