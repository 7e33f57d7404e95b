"""`smartpick.plan` in Python gives what `smartpick plan --json` prints."""

from __future__ import annotations

import json

import pytest

import smartpick
from tests.e2e.conftest import Invoke


def test_the_python_plan_is_the_command_lines(invoke: Invoke) -> None:
    result = invoke(
        "plan",
        "-s",
        "neurology",
        "--type",
        "md",
        "--step2",
        "245",
        "--applications",
        "20",
        "--json",
    )
    shown = json.loads(result.out)
    planned = smartpick.plan(
        {"specialty": "neurology", "applicant_type": "md", "step2": 245},
        applications=20,
        season=2028,
    )
    assert planned.p_match == shown["p_match"]
    assert [p.program_id for p in planned.programs] == [p["program_id"] for p in shown["programs"]]


def test_a_bad_profile_is_an_input_error() -> None:
    with pytest.raises(smartpick.InputError, match="step2"):
        smartpick.plan({"specialty": "neurology", "applicant_type": "md", "step2": 400})


def test_preferences_are_the_command_lines_options(invoke: Invoke) -> None:
    profile = {"specialty": "neurology", "applicant_type": "md", "step2": 245}
    args = ("plan", "-s", "neurology", "--type", "md", "--step2", "245", "--json")
    shown = json.loads(
        invoke(*args, "--signals", "none", "--fee-assistance", "--target", "0.8").out
    )
    planned = smartpick.plan(
        profile,
        preferences={"signals": "none", "fee_assistance": True, "target": 0.8},
        season=2028,
    )
    assert planned.dump() == shown  # the same answer, as the command line's JSON
    assert planned.fee_assistance and not any(p.signal for p in planned.programs)
    with pytest.raises(smartpick.InputError, match="unknown plan preference"):
        smartpick.plan(profile, preferences={"budgett": 100})
