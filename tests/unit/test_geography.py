from __future__ import annotations

import pytest

from smartpick.core.geography import is_territory, normalize_state


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
