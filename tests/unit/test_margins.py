"""The programs' margins implied by additive cells, against made-up published ones."""

from __future__ import annotations

import numpy as np
import pytest

from smartpick.core.model.interview import CellRates, Mix, ProgramRates, expit
from smartpick.core.model.margins import MARGIN_GAP, implied, margin_gaps

LEVEL = {"md": np.array([-2.0, -1.0, 0.0]), "non-us-img": np.array([-3.0, -2.5, -1.0])}
CELLS = CellRates(
    level=LEVEL,
    location=np.array([0.5, 1.0, 0.2]),
    signal={"none": np.zeros(3), "gold": np.array([1.5, 0.8, 1.0])},
    mix=Mix(in_state=0.3, tiers={"gold": 0.25}),
    in_share={"md": 0.4, "non-us-img": 0.0},
)
SHARES = {"md": 80.0, "non-us-img": 20.0}


def published(in_state: np.ndarray, out_of_state: np.ndarray, gold: np.ndarray) -> ProgramRates:
    return ProgramRates(
        ids=("a", "b", "c"),
        by_type={},
        in_state=in_state,
        out_of_state=out_of_state,
        tiers=("gold",),
        signal={"gold": gold, "none": np.full(3, np.nan)},
        season=2024,
    )


def test_one_type_at_one_location_and_tier_is_that_cells_rate() -> None:
    rate = implied(CELLS, {"md": 1.0}, 3, 1.0, "gold")
    assert rate == pytest.approx(expit(LEVEL["md"] + CELLS.location + CELLS.signal["gold"]))


def test_the_mixed_rate_lies_between_the_in_state_and_out_of_state_rates() -> None:
    mixed = implied(CELLS, SHARES, 3, None, None)
    inside = implied(CELLS, SHARES, 3, 1.0, None)
    outside = implied(CELLS, SHARES, 3, 0.0, None)
    assert np.all(mixed >= np.minimum(inside, outside) - 1e-12)
    assert np.all(mixed <= np.maximum(inside, outside) + 1e-12)


def test_applicants_never_in_state_leave_the_in_state_rate_alone() -> None:
    assert implied(CELLS, SHARES, 3, 1.0, None) == pytest.approx(
        implied(CELLS, {"md": 80.0}, 3, 1.0, None)
    )


def test_a_margin_published_as_implied_has_no_gap() -> None:
    rates = published(
        implied(CELLS, SHARES, 3, 1.0, None),
        implied(CELLS, SHARES, 3, 0.0, None),
        implied(CELLS, SHARES, 3, None, "gold"),
    )
    gaps = margin_gaps(CELLS, SHARES, rates, 3)
    assert [g.margin for g in gaps] == ["in-state", "out-of-state", "signal: gold"]
    for g in gaps:
        assert g.programs == 3 and g.median_gap == pytest.approx(0.0) and g.within == 1.0


def test_programs_without_a_published_rate_are_not_compared() -> None:
    out_of_state = implied(CELLS, SHARES, 3, 0.0, None)
    far = out_of_state + np.array([0.0, 2 * MARGIN_GAP, np.nan])
    rates = published(np.full(3, np.nan), far, np.full(3, np.nan))
    (gap,) = margin_gaps(CELLS, SHARES, rates, 3)
    assert gap.margin == "out-of-state" and gap.programs == 2
    assert gap.median_gap == pytest.approx(MARGIN_GAP) and gap.within == 0.5
