"""`programs` for the PGY-1 years: transitional and preliminary tracks by NRMP code."""

from __future__ import annotations

import json
import re

import pytest

from tests.e2e.conftest import Invoke

CODE = re.compile(r"^[0-9]{7}P[0-9]$")


@pytest.mark.parametrize(
    ("name", "least"),
    [("Transitional Year", 50), ("Internal Medicine (Preliminary)", 50), ("prelim surgery", 50)],
)
def test_programs_lists_each_pgy1_year_by_nrmp_code(invoke: Invoke, name: str, least: int) -> None:
    result = invoke("programs", "--specialty", name, "--json")
    assert result.code == 0, result.err
    payload = json.loads(result.out)
    assert payload["total"] >= least
    assert all(
        CODE.match(p["program_id"]) and p["id_kind"] == "NRMP program code"
        for p in payload["programs"]
    )
    assert any("NRMP code" in n for n in payload["notes"])
    located = [p for p in payload["programs"] if p["latitude"] is not None]
    assert located and all(p["city"] and "ACGME program" in p["location_source"] for p in located)
    assert all(
        p["location_source"].startswith("state only")
        for p in payload["programs"]
        if p["latitude"] is None
    )


def test_programs_for_a_pgy1_year_refuses_filters_it_cannot_apply(invoke: Invoke) -> None:
    result = invoke("programs", "--specialty", "ty", "--visa", "h1b")
    assert result.code == 2 and "--state and --name only" in result.err
    ohio = invoke("programs", "--specialty", "ty", "--state", "OH", "--json")
    assert {p["state"] for p in json.loads(ohio.out)["programs"]} == {"OH"}
