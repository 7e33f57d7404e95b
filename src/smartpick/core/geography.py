"""US states and territories, named once, with their two-letter codes."""

from __future__ import annotations

from collections.abc import Mapping

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
