"""A visa need said honestly (issue 15): every plan row says whether the program sponsors the
visa and where that comes from, the unknowns are counted at the top, and a visa filter that
finds nothing says why."""

from __future__ import annotations

import csv
import io
import json

from tests.e2e.conftest import Invoke

IMG = ("plan", "--specialty", "internal medicine", "--type", "non-us-img", "--step2", "250",
       "--visa", "h1b")  # fmt: skip


def test_an_h1b_plans_rows_say_yes_or_unknown_with_their_source(invoke: Invoke) -> None:
    plan = json.loads(invoke(*IMG, "--json").out)
    answers = {row["visa"] for row in plan["programs"]}
    assert answers <= {"yes", "unknown"} and "yes" in answers  # "no" is left out
    for row in plan["programs"]:
        assert "FREIDA" in row["visa_source"]  # known from FREIDA, or unknown because not in it
        assert ("check the program" in row["visa_source"]) == (row["visa"] == "unknown")
    unknown = sum(row["visa"] == "unknown" for row in plan["programs"])
    counted = [f for f in plan["flags"] if f.startswith("visa:")]
    if unknown:
        assert counted and f"{unknown} of the {len(plan['programs'])}" in counted[0]
    assert any("ECFMG" in n and "Step 3" in n for n in plan["notes"])
    rows = list(csv.DictReader(io.StringIO(invoke(*IMG, "--csv").out)))
    assert rows and all(r["visa"] in ("yes", "unknown") for r in rows)


def test_without_a_visa_need_rows_say_not_needed(invoke: Invoke) -> None:
    plan = json.loads(
        invoke("plan", "--specialty", "psychiatry", "--type", "md", "--step2", "240",
               "--json").out
    )  # fmt: skip
    assert {row["visa"] for row in plan["programs"]} == {"not needed"}
    assert not any(f.startswith("visa:") for f in plan["flags"])


def test_a_visa_filter_that_finds_nothing_says_why(invoke: Invoke) -> None:
    found = json.loads(
        invoke("programs", "--specialty", "neurology", "--visa", "h1b", "--json").out
    )
    assert found["count"] == 0
    assert "unknown, not no" in found["notes"][0]
    text = invoke("programs", "--specialty", "neurology", "--visa", "h1b")
    assert text.code == 1 and "Why:" in text.err and "Internal Medicine" in text.err
    im = json.loads(invoke("programs", "--specialty", "im", "--visa", "h1b", "--json").out)
    assert im["count"] > 0 and "notes" not in im
