from __future__ import annotations

import pytest

from smartpick.core.catalog import Specialty, resolve_specialty
from smartpick.data import shipped
from smartpick.errors import InputError

SPECIALTIES = shipped().specialties()


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Orthopedic Surgery", "orthopaedic_surgery"),
        ("Orthopaedic Surgery", "orthopaedic_surgery"),
        ("ortho", "orthopaedic_surgery"),
        ("OB-GYN", "obstetrics_gynecology"),
        ("ob/gyn", "obstetrics_gynecology"),
        ("Obstetrics and Gynecology", "obstetrics_gynecology"),
        ("derm", "dermatology"),
        ("internal_medicine", "internal_medicine"),
        ("PM&R", "physical_medicine_rehabilitation"),
        ("Med-Peds", "internal_medicine_pediatrics"),
        ("ENT", "otolaryngology"),
    ],
)
def test_specialties_resolve_from_names_keys_and_aliases(typed: str, key: str) -> None:
    assert resolve_specialty(SPECIALTIES, typed).key == key


def test_an_unknown_specialty_names_the_closest_ones() -> None:
    with pytest.raises(InputError) as caught:
        resolve_specialty(SPECIALTIES, "dermatolgy")
    assert caught.value.field == "specialty"
    assert caught.value.hint is not None and "Dermatology" in caught.value.hint


def test_an_empty_specialty_is_refused() -> None:
    with pytest.raises(InputError, match="empty"):
        resolve_specialty(SPECIALTIES, "  ")


def test_every_alias_leads_back_to_its_own_specialty() -> None:
    for s in SPECIALTIES:
        for alias in s.aliases:
            assert resolve_specialty(SPECIALTIES, alias) == s, (alias, s.key)


def test_a_specialty_is_a_plain_record() -> None:
    s = SPECIALTIES[0]
    assert isinstance(s, Specialty) and s.key and s.name
