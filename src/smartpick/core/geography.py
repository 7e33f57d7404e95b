"""US states and territories, named once, with their two-letter codes."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

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


def albers_usa(scale: float = 1300, translate: tuple[float, float] = (487.5, 305)) -> Callable[
        [float, float], tuple[float, float] | None]:  # fmt: skip
    """d3-geo's geoAlbersUsa: the lower 48, Alaska and Hawaii insets; None outside them
    (Puerto Rico and the other territories)."""
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
