"""A COMLEX Level 2-CE score read as a Step 2 CK equivalent, for DO students who took only
COMLEX (issue 14).

No concordance between today's COMLEX Level 2-CE and Step 2 CK scores was found in a form that
can be cited (the one paired sample found is of 2006-2013 scores, when its Step 2 CK mean was
228, far under today's). The equivalent is therefore the Step 2 CK at the same percentile:
the COMLEX score's place among first-time COMLEX takers (NBOME's mean and spread), read on the
Step 2 CK scores of DO seniors who reported one (NRMP Charting Outcomes, pooled over
specialties). Two
things make it uncertain, and both are said:
- one student's two scores differ: with the correlation of paired scores r, the Step 2 CK of
  a student at the COMLEX percentile falls from the equivalent with spread sd * sqrt(2 (1 - r))
  (the correlation from the one paired sample found, below);
- DO students who also take Step 2 CK score higher than those who do not, so matching all
  COMLEX takers to the Step 2 CK takers puts the equivalent too high: the chance is likely
  lower than shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from smartpick.core.model.standing import Figures

# The correlation of paired COMLEX Level 2-CE and USMLE Step 2 CK scores in the one paired
# sample found: 356 applicants to a dually approved emergency medicine residency, 2006-2013.
PAIRED_R = 0.72
PAIRED_SOURCE = (
    "COMLEX Level 2-CE and USMLE Step 2 CK of 356 applicants to a dually approved emergency "
    "medicine residency, 2006-2013: r = 0.72 (Lehigh Valley Health Network, 'Correlation "
    "Between United States Medical Licensing Examination and Comprehensive Osteopathic Medical "
    "Licensing Examination Scores for Applicants to a Dually Approved Emergency Medicine "
    "Residency', https://scholarlyworks.lvhn.org/emergency-medicine/436/)"
)
PAIRED_SHORT = "356 applicants to one emergency medicine residency, 2006-2013"
Z95 = 1.959964


@dataclass(frozen=True)
class Equivalent:
    """The Step 2 CK at the COMLEX score's percentile, and the range a student's own Step 2 CK
    would likely fall in (95%)."""

    comlex: int
    percentile: float  # among first-time COMLEX Level 2-CE takers
    score: int
    spread: float  # how far one student's Step 2 CK falls from the equivalent (sd)
    low: int
    high: int


def pooled(figures: Iterable[Figures]) -> tuple[float, float]:
    """The mean and spread of Step 2 CK over the applicants behind some specialties' figures:
    each specialty's matched and unmatched applicants as normals with its centres and spread,
    weighted by their numbers (the mixture's mean and standard deviation)."""
    parts: list[tuple[float, float, float]] = []  # (weight, mean, sd)
    for f in figures:
        parts.append((f.matched_n, f.matched_centre, f.matched_sd))
        if f.unmatched_n and f.unmatched_centre is not None:
            parts.append((f.unmatched_n, f.unmatched_centre, f.matched_sd))
    total = sum(w for w, _, _ in parts)
    if total <= 0:
        raise ValueError("no applicants behind the figures")
    mean = sum(w * m for w, m, _ in parts) / total
    variance = sum(w * (s**2 + (m - mean) ** 2) for w, m, s in parts) / total
    return mean, math.sqrt(variance)


def step2_equivalent(
    comlex: int,
    comlex_mean: float,
    comlex_sd: float,
    step2_mean: float,
    step2_sd: float,
    r: float = PAIRED_R,
) -> Equivalent:
    """The Step 2 CK at the same percentile as `comlex`, and its 95% range for one student."""
    if comlex_sd <= 0 or step2_sd <= 0 or not -1 <= r <= 1:
        raise ValueError("spreads must be positive and the correlation within -1 and 1")
    z = (comlex - comlex_mean) / comlex_sd
    point = step2_mean + step2_sd * z
    spread = step2_sd * math.sqrt(2 * (1 - r))
    return Equivalent(
        comlex=comlex,
        percentile=0.5 * (1 + math.erf(z / math.sqrt(2))),
        score=round(point),
        spread=spread,
        low=round(point - Z95 * spread),
        high=round(point + Z95 * spread),
    )
