"""`smartpick advise`: the scenario, the timeline and advice tied to the engine's numbers."""

from __future__ import annotations

import json
from typing import Any

import smartpick
from tests.e2e.conftest import Invoke


def advise(invoke: Invoke, *args: str) -> dict[str, Any]:
    result = invoke("advise", *args, "--json")
    assert result.code == 0, result.err
    payload: dict[str, Any] = json.loads(result.out)
    return payload


def texts(report: dict[str, Any]) -> set[str]:
    return {item["text"] for item in report["recommendations"]}


def test_a_late_october_test_date_misses_the_first_review_and_the_advice_says_so(
    invoke: Invoke,
) -> None:
    report = advise(
        invoke, "-s", "im", "--type", "md", "--step2", "248", "--test-date", "2027-10-25"
    )
    t = report["timeline"]
    assert t["in_time_for_review"] is False and t["in_time_typically"] is False
    assert t["score_expected_by"] == "2027-11-22" and t["review_starts"] == "2027-09-22"
    assert any("Resend My Scores" in x for x in texts(report))


def test_a_mid_june_test_date_is_in_time(invoke: Invoke) -> None:
    report = advise(
        invoke, "-s", "im", "--type", "md", "--step2", "248", "--test-date", "2027-06-15"
    )
    assert report["timeline"]["in_time_for_review"] is True
    assert report["timeline"]["latest_safe_test_date"] == "2027-07-28"
    assert not any("Resend My Scores" in x for x in texts(report))


def test_the_scenarios(invoke: Invoke) -> None:
    strong = advise(invoke, "-s", "im", "--type", "md", "--step2", "265")
    assert strong["scenario"] == "strong"
    upward = advise(invoke, "-s", "im", "--type", "md", "--step1", "fail", "--step2", "252")
    assert "upward trajectory" in upward["modifiers"] and "failed attempt" in upward["modifiers"]
    below = advise(invoke, "-s", "ortho", "--type", "md", "--step2", "236")
    assert below["scenario"] == "below range"
    pending = advise(invoke, "-s", "ortho", "--type", "md")
    assert pending["scenario"] == "score pending" and pending["what_if"]
    img = advise(invoke, "-s", "im", "--type", "non-us-img", "--step2", "240", "--visa", "h1b")
    assert "IMG" in img["modifiers"]
    assert any("ECFMG" in x for x in texts(img)) and any("Step 3" in x for x in texts(img))
    # Different situations, different advice.
    assert texts(strong) - texts(below) and texts(below) - texts(strong)
    assert any("Step 1" in x for x in texts(upward) - texts(strong))


def test_every_number_is_the_engines(invoke: Invoke) -> None:
    args = ("-s", "psychiatry", "--type", "do", "--step2", "238")
    report = advise(invoke, *args)
    shown = json.loads(invoke("plan", *args, "--json").out)
    assert report["plan"]["applications"] == shown["applications"]
    assert report["plan"]["p_match"] == shown["p_match"]
    breadth = [i for i in report["recommendations"] if i["section"] == "breadth"]
    assert any(
        f"{shown['applications']} programs" in i["text"] and f"{shown['p_match']:.0%}" in i["text"]
        for i in breadth
    )
    assert all(i["sources"] for i in report["recommendations"] if i["kind"] == "from the data")
    assert all(not i["sources"] for i in report["recommendations"] if i["kind"] == "general advice")


def test_what_if_scores_before_the_score_is_known(invoke: Invoke) -> None:
    report = advise(invoke, "-s", "general surgery", "--type", "md", "--expected", "245")
    chances = [w["p_match"] for w in report["what_if"]]
    assert [w["step2"] for w in report["what_if"]] == [230, 240, 250, 260]
    assert chances == sorted(chances)


def test_bad_dates_and_double_scores_are_refused(invoke: Invoke) -> None:
    result = invoke("advise", "-s", "im", "--type", "md", "--test-date", "June 15")
    assert result.code == 2 and "YYYY-MM-DD" in result.err
    result = invoke("advise", "-s", "im", "--type", "md", "--step2", "250", "--expected", "240")
    assert result.code == 2 and "one score" in result.err


def test_the_python_advice_is_the_command_lines(invoke: Invoke) -> None:
    shown = advise(invoke, "-s", "neurology", "--type", "md", "--step2", "250")
    advice = smartpick.advise(
        {"specialty": "neurology", "applicant_type": "md", "step2": 250}, season=2028
    )
    assert advice.scenario == shown["scenario"]
    assert advice.dump() == shown  # the same answer, as the command line's JSON
