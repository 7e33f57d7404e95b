"""ERAS geographic preferences: up to three census divisions (or none) that the applicant
states in MyERAS, chosen by enumeration (1 + 9 + 36 + 84 = 130 choices) for the best chance
of matching.

Evidence (evidence.csv; Romanoski et al., JGME 2024, 2023 supplemental ERAS data, nine
specialties): the odds of an interview invitation are 1.83-2.75 times higher with an aligned
preference and 1.19-2.16 times with no preference stated, the reference category not being
stated; the AAMC's 2024-25 findings order them aligned > none > unaligned, which makes
"unaligned" the reference. SmartPick takes the centre of each range (geometric mean across
the nine specialties) and reads a program's published rate as that of an applicant who stated
no preference: an aligned program's odds are multiplied by aligned / none (about 1.40), a
program outside the stated divisions by 1 / none (about 0.62). These are priors, said as such.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
ALIGNED = "interview invitation odds ratio: aligned geographic preference"
NONE_STATED = "interview invitation odds ratio: no geographic preference stated"
MOST = 3  # ERAS lets an applicant state up to three divisions


@dataclass(frozen=True)
class GeoPrior:
    inside: float  # log odds ratio for a program in a stated division, against no preference
    outside: float  # ... for a program outside them
    source: str


def geo_prior(rows: Sequence[Mapping[str, str]]) -> GeoPrior:
    def centre(quantity: str) -> tuple[float, Mapping[str, str]]:
        row = next(r for r in rows if r["quantity"] == quantity)
        return math.sqrt(float(row["value_low"]) * float(row["value_high"])), row

    aligned, row = centre(ALIGNED)
    none, _ = centre(NONE_STATED)
    return GeoPrior(
        math.log(aligned / none),
        math.log(1 / none),
        f"odds ratios {aligned / none:.2f} inside the stated divisions and {1 / none:.2f} "
        f"outside, against stating none (the centres of the published ranges, "
        f"{row['citation']}; a prior, the reference category not being stated)",
    )


def choices(divisions: Sequence[int]) -> list[tuple[int, ...]]:
    """No preference, and every set of one to three divisions among those given."""
    out: list[tuple[int, ...]] = [()]
    for size in range(1, MOST + 1):
        out += list(itertools.combinations(sorted(divisions), size))
    return out


def offsets(
    program_divisions: Sequence[int | None], stated: tuple[int, ...], prior: GeoPrior
) -> Array:
    """Each program's log odds ratio under the stated divisions (0 everywhere for none)."""
    if not stated:
        return np.zeros(len(program_divisions))
    return np.array(
        [prior.inside if d in stated else prior.outside for d in program_divisions],
        dtype=np.float64,
    )
