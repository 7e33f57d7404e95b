"""The margins check of the validation report: each program's published in-state,
out-of-state and signal rates against those its cells imply."""

from __future__ import annotations

from smartpick.data import shipped
from smartpick.services.validation import margin_check


def test_every_specialty_with_rates_has_its_margins_checked() -> None:
    rows = margin_check(shipped())
    specialties = {r["specialty"] for r in rows}
    assert len(specialties) == 22
    for r in rows:
        assert r["programs"] > 0
        assert 0 <= r["median_gap"] <= 1 and 0 <= r["within"] <= 1


def test_out_of_state_rates_are_closer_than_in_state_ones_in_most_specialties() -> None:
    """The in-state cap and the mix move in-state rates most (docs/validation.md says why)."""
    rows = margin_check(shipped())
    gaps = {(r["specialty"], r["margin"]): r["median_gap"] for r in rows}
    specialties = {s for s, _ in gaps}
    closer = [s for s in specialties if gaps[(s, "out-of-state")] < gaps[(s, "in-state")]]
    assert len(closer) >= len(specialties) - 2
