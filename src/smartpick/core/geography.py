"""US states and territories, named once, with their two-letter codes."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# USPS codes. Names are written once here so state codes and names can be normalized both ways.
STATES: Mapping[str, str] = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}

# Territories have programs but belong to no census division (see docs/data.md).
TERRITORIES: Mapping[str, str] = {
    "PR": "Puerto Rico",
    "GU": "Guam",
    "VI": "U.S. Virgin Islands",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
}

_BY_NAME = {name.lower(): code for code, name in {**STATES, **TERRITORIES}.items()}


def normalize_state(value: str) -> str | None:
    """Return the two-letter code for a state or territory given as a code or a name, else None."""
    text = " ".join(value.replace(".", " ").split()).strip()
    if not text:
        return None
    upper = text.upper()
    if upper in STATES or upper in TERRITORIES:
        return upper
    return _BY_NAME.get(text.lower())


def is_territory(code: str) -> bool:
    return code in TERRITORIES


Array = NDArray[np.float64]

# -- the map ---------------------------------------------------------------------------------
# The Albers USA composite projection of d3-geo (geoAlbersUsa), which the shipped state
# outlines use (us-atlas states-albers-10m: scale 1300, translate [487.5, 305], 975 x 610).


def _conic_equal_area(
    parallels: tuple[float, float],
) -> Callable[[float, float], tuple[float, float]]:
    y0, y1 = (math.radians(p) for p in parallels)
    n = (math.sin(y0) + math.sin(y1)) / 2
    c = 1 + math.sin(y0) * (2 * n - math.sin(y0))
    r0 = math.sqrt(c) / n

    def project(x: float, y: float) -> tuple[float, float]:
        r = math.sqrt(max(c - 2 * n * math.sin(y), 0.0)) / n
        return r * math.sin(x * n), r0 - r * math.cos(x * n)

    return project


@dataclass(frozen=True)
class _Conic:
    parallels: tuple[float, float]
    rotate: float  # degrees added to the longitude
    center: tuple[float, float]  # degrees, in the rotated frame
    scale: float
    translate: tuple[float, float]
    clip: tuple[tuple[float, float], tuple[float, float]]  # [[x0, y0], [x1, y1]] in pixels

    def __call__(self, lon: float, lat: float) -> tuple[float, float] | None:
        raw = _conic_equal_area(self.parallels)
        cx, cy = raw(math.radians(self.center[0]), math.radians(self.center[1]))
        lam = math.radians(lon + self.rotate)
        lam = (lam + math.pi) % (2 * math.pi) - math.pi
        x, y = raw(lam, math.radians(lat))
        px = self.translate[0] + self.scale * (x - cx)
        py = self.translate[1] - self.scale * (y - cy)
        (x0, y0), (x1, y1) = self.clip
        return (px, py) if x0 <= px < x1 and y0 <= py < y1 else None


def puerto_rico(
    scale: float = 1300, translate: tuple[float, float] = (487.5, 305)
) -> Callable[[float, float], tuple[float, float] | None]:
    """Puerto Rico as an inset at the lower right of the same frame, drawn at the scale of
    the lower 48 (the placement of d3-composite-projections' geoAlbersUsaTerritories), so its
    programs and its outline can be shown; None outside it."""
    k, (x, y) = scale, translate
    return _Conic((8, 18), 66, (0, 18), k, (x + 0.350 * k, y + 0.224 * k),
                  ((x + 0.320 * k, y + 0.204 * k), (x + 0.375 * k, y + 0.234 * k)))  # fmt: skip


def albers_usa(scale: float = 1300, translate: tuple[float, float] = (487.5, 305)) -> Callable[
        [float, float], tuple[float, float] | None]:  # fmt: skip
    """d3-geo's geoAlbersUsa: the lower 48, Alaska and Hawaii insets; None outside them
    (the territories; Puerto Rico has its own inset, puerto_rico)."""
    k, (x, y) = scale, translate
    parts = [
        _Conic((29.5, 45.5), 96, (-0.6, 38.7), k, (x, y),
               ((x - 0.455 * k, y - 0.238 * k), (x + 0.455 * k, y + 0.238 * k))),
        _Conic((55, 65), 154, (-2, 58.5), k * 0.35, (x - 0.307 * k, y + 0.201 * k),
               ((x - 0.425 * k, y + 0.120 * k), (x - 0.214 * k, y + 0.234 * k))),
        _Conic((8, 18), 157, (-3, 19.9), k, (x - 0.205 * k, y + 0.212 * k),
               ((x - 0.214 * k, y + 0.166 * k), (x - 0.115 * k, y + 0.234 * k))),
    ]  # fmt: skip

    def project(lon: float, lat: float) -> tuple[float, float] | None:
        for part in parts:
            point = part(lon, lat)
            if point is not None:
                return point
        return None

    return project


# -- ERAS geographic preferences --------------------------------------------------------------
# Up to three census divisions (or none) that the applicant
# states in MyERAS, chosen by enumeration (1 + 9 + 36 + 84 = 130 choices) for the best chance
# of matching.
#
# Evidence (evidence.csv; Romanoski et al., JGME 2024, 2023 supplemental ERAS data, nine
# specialties): the odds of an interview invitation are 1.83-2.75 times higher with an aligned
# preference and 1.19-2.16 times with no preference stated, the reference category not being
# stated; the AAMC's 2024-25 findings order them aligned > none > unaligned, which makes
# "unaligned" the reference. SmartPick takes the centre of each range (geometric mean across
# the nine specialties) and reads a program's published rate as that of an applicant who stated
# no preference: an aligned program's odds are multiplied by aligned / none (about 1.40), a
# program outside the stated divisions by 1 / none (about 0.62). These are priors, said as such.
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


def connection_offsets(
    program_states: Sequence[str], connected: Sequence[str], prior: GeoPrior
) -> Array:
    """Each program's log odds ratio under ResidencyCAS geographic connections: the aligned
    preference's (prior.inside) in a connected state, 0 elsewhere (a tie to one place says
    nothing against the others, unlike an ERAS preference for some divisions)."""
    return np.array([prior.inside if s in connected else 0.0 for s in program_states])


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
