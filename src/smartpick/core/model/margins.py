"""How a specialty's additive cells reproduce its programs' published margins: the in-state
and out-of-state rates and each signal tier's rate implied by the cells (mixed over the
specialty's applicant types, locations and signals), against the published ones.

The type rates are reproduced exactly by construction; these margins are not (the in-state
cap, the shrinkage, the floors on signal effects and the specialty-level mix move them)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from smartpick.core.model.interview import CellRates, ProgramRates, expit

Array = NDArray[np.float64]
MARGIN_GAP = 0.05  # a program's margin reproduced within 5 points counts as reproduced


@dataclass(frozen=True)
class MarginGap:
    """One margin of one specialty: the programs with a published rate for it, the median
    gap between the implied and the published rate, and the share of programs within
    MARGIN_GAP."""

    margin: str
    programs: int
    median_gap: float
    within: float


def margin_gaps(
    cells: CellRates, type_shares: Mapping[str, float], published: ProgramRates, programs: int
) -> list[MarginGap]:
    """The specialty's margins, in-state, out-of-state then each signal tier; a margin with
    no published rate is left out. `programs` is the number of programs the cells cover."""
    margins: list[tuple[str, Array, Array]] = [
        ("in-state", implied(cells, type_shares, programs, 1.0, None), published.in_state),
        ("out-of-state", implied(cells, type_shares, programs, 0.0, None), published.out_of_state),
    ]
    margins += [
        (f"signal: {t}", implied(cells, type_shares, programs, None, t), published.signal[t])
        for t in published.tiers
    ]
    out = []
    for name, rates, shown in margins:
        ok = np.isfinite(shown)
        if not ok.any():
            continue
        gap = np.abs(rates[ok] - shown[ok])
        out.append(
            MarginGap(name, int(ok.sum()), float(np.median(gap)), float((gap <= MARGIN_GAP).mean()))
        )
    return out


def implied(
    cells: CellRates,
    type_shares: Mapping[str, float],
    programs: int,
    location: float | None,
    tier: str | None,
) -> Array:
    """Every program's rate implied by its cells at a location (1 in-state, 0 out-of-state,
    None mixed) and a signal tier (None mixed), over the applicants in that margin: the
    specialty's types (`type_shares`), each with its in-state share (IMGs are never
    in-state)."""
    mix = cells.mix
    tiers = {"none": 1.0 - sum(mix.tiers.values()), **mix.tiers}
    rate = np.zeros(programs)
    total = 0.0
    for g, count in type_shares.items():
        in_share = cells.in_state_share(g)
        for loc, w_loc in ((1.0, in_share), (0.0, 1 - in_share)):
            if location is not None and loc != location:
                continue
            for t, w_tier in tiers.items():
                if tier is not None and t != tier:
                    continue
                weight = count * w_loc * (1.0 if tier is not None else w_tier)
                total += weight
                rate += weight * expit(cells.level[g] + cells.location * loc + cells.signal[t])
    return rate / total if total > 0 else rate
