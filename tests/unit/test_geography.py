from __future__ import annotations

import pytest

from smartpick.core.geography import albers_usa, is_territory, normalize_state, puerto_rico


@pytest.mark.parametrize(
    ("given", "code"),
    [("NY", "NY"), ("ny", "NY"), (" New York ", "NY"), ("district of columbia", "DC"),
     ("Puerto Rico", "PR"), ("pr", "PR")],
)  # fmt: skip
def test_states_are_normalized_from_codes_and_names(given: str, code: str) -> None:
    assert normalize_state(given) == code


@pytest.mark.parametrize("given", ["", "XX", "New Yrok", "N"])
def test_unknown_states_are_none(given: str) -> None:
    assert normalize_state(given) is None


def test_puerto_rico_is_a_territory_and_new_york_is_not() -> None:
    assert is_territory("PR") and not is_territory("NY")


# Reference points printed by d3-geo 3.1.1: geoAlbersUsa().scale(1300).translate([487.5, 305]).
D3 = {
    "New York": ((-74.006, 40.7128), (869.7187650199265, 215.74052187301095)),
    "Los Angeles": ((-118.2437, 34.0522), (86.81213082282801, 363.1188798692003)),
    "Anchorage": ((-149.9003, 61.2181), (112.277427569713, 544.2779162203778)),
    "Honolulu": ((-157.8583, 21.3069), (266.95994676863154, 549.1903729395863)),
    "Miami": ((-80.1918, 25.7617), (822.7383158297632, 572.5407791128295)),
    "Seattle": ((-122.3321, 47.6062), (97.6249669465995, 46.31865922997736)),
    "Juneau": ((-134.4197, 58.3019), (176.93702274402565, 556.0837861629693)),
}


@pytest.mark.parametrize("city", sorted(D3))
def test_the_map_projection_is_d3s_albers_usa(city: str) -> None:
    (lon, lat), expected = D3[city]
    point = albers_usa()(lon, lat)
    assert point is not None
    assert point == pytest.approx(expected, abs=1e-6)


def test_territories_fall_outside_the_map() -> None:
    assert albers_usa()(-66.1057, 18.4655) is None  # San Juan, as d3 says


def test_puerto_rico_has_its_own_inset_inside_the_frame() -> None:
    inset = puerto_rico()
    san_juan, ponce = inset(-66.1057, 18.4655), inset(-66.6141, 18.0111)
    assert san_juan is not None and ponce is not None
    assert all(0 <= x <= 975 and 0 <= y <= 610 for x, y in (san_juan, ponce))
    assert ponce[0] < san_juan[0] and ponce[1] > san_juan[1]  # west and south of San Juan
    assert inset(-74.006, 40.7128) is None  # New York is not in the inset
    miami = albers_usa()(-80.1918, 25.7617)
    assert miami is not None and san_juan[0] > miami[0]  # drawn east of Florida
