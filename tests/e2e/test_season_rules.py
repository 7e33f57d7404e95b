"""Issue 14, rules to correct: ResidencyCAS is not ERAS, the MSPE goes out on the review date,
fees in full, the 2028 calendar, a numeric Step 1 and the CV line."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import Invoke

ERAS_WORDS = ("myeras", "resend my scores", "cannot be unassigned")


def answer(invoke: Invoke, *args: str) -> dict[str, Any]:
    result = invoke(*args, "--json")
    assert result.code == 0, result.err
    payload: dict[str, Any] = json.loads(result.out)
    return payload


def texts(report: dict[str, Any], section: str | None = None) -> list[str]:
    return [
        r["text"] for r in report["recommendations"] if section is None or r["section"] == section
    ]


@pytest.mark.parametrize(
    "score",
    [
        ("--step2", "250"),
        ("--step2-expected", "243"),
        ("--step2", "236", "--test-date", "2027-09-20"),
        ("--step2", "240", "--step1", "fail"),
        ("--step2", "205"),
    ],
)
def test_emergency_medicine_advice_speaks_residencycas_and_names_the_sloe(
    invoke: Invoke, score: tuple[str, ...]
) -> None:
    args = ("advise", "-s", "emergency medicine", "--type", "md", *score)
    for output in (invoke(*args).out, invoke(*args, "--json").out):
        lowered = output.lower()
        assert not [w for w in ERAS_WORDS if w in lowered], output
        assert "ResidencyCAS" in output
        assert "SLOE" in output and "Standardized Letter of Evaluation" in output


def test_residencycas_advice_gives_its_score_request_and_release(invoke: Invoke) -> None:
    report = answer(invoke, "advise", "-s", "ob-gyn", "--type", "md", "--step2", "245")
    joined = " ".join(texts(report, "timing"))
    assert "USMLE and COMLEX Scores" in joined and "cannot be removed" in joined
    # ResidencyCAS's dates for 2028 are projected from its 2026 calendar, same weekdays.
    assert "2027-08-23 (projected)" in joined and "2027-09-22 (projected)" in joined
    assert report["timeline"]["review_starts"] == "2027-09-29"
    assert not any(w in json.dumps(report).lower() for w in ERAS_WORDS)
    assert "SLOE" not in joined  # the SLOE is Emergency Medicine's


def test_eras_advice_keeps_myeras_words_and_sends_the_mspe_on_the_review_date(
    invoke: Invoke,
) -> None:
    late = answer(
        invoke, "advise", "-s", "im", "--type", "md", "--step2", "248", "--test-date",
        "2027-10-25",
    )  # fmt: skip
    joined = " ".join(texts(late))
    assert "Resend My Scores" in joined and "cannot be unassigned" in joined
    mspe = [x for x in texts(late, "timing") if "MSPE" in x]
    assert mspe and "2027-09-22" in mspe[0] and "not on October 1" in mspe[0]


def test_plan_totals_name_the_transcript_fee(invoke: Invoke) -> None:
    plan = answer(invoke, "plan", "-s", "fm", "--type", "md", "--step2", "236")
    (usmle,) = plan["transcript_fees"]
    assert usmle["exam"] == "USMLE" and usmle["amount_usd"] == 80
    assert usmle["status"].startswith("carried over from 2024") and usmle["source"]
    nrmp = plan["nrmp_fees"]["total_usd"]
    assert plan["total_cost_usd"] == pytest.approx(plan["cost_usd"] + 80 + nrmp)
    text = invoke("plan", "-s", "fm", "--type", "md", "--step2", "236").out
    assert "$80 USMLE transcript" in text and "In all:" in text


def test_a_do_with_both_exams_pays_both_transcripts(invoke: Invoke) -> None:
    plan = answer(
        invoke, "plan", "-s", "fm", "--type", "do", "--step2", "236", "--comlex2", "520",
    )  # fmt: skip
    assert [f["exam"] for f in plan["transcript_fees"]] == ["USMLE", "COMLEX"]
    em = answer(invoke, "plan", "-s", "em", "--type", "md", "--step2", "245")
    (fee,) = em["transcript_fees"]
    assert fee["item"] == "USMLE transcript fee (ResidencyCAS)" and fee["amount_usd"] == 80


def test_the_nrmp_fee_is_said_the_same_way_in_the_plan_and_the_season(invoke: Invoke) -> None:
    plan = answer(invoke, "plan", "-s", "fm", "--type", "md", "--step2", "236")
    season = answer(invoke, "season")
    (row,) = [f for f in season["fees"] if f["item"] == "standard registration fee"]
    status = plan["nrmp_fees"]["registration_status"]
    assert status == row["status"] and status.startswith("unverified")
    assert "$85" in status and "$70" in status and row["confidence"] == "unverified"
    assert {f["item"] for f in season["fees"]} >= {"USMLE transcript fee", "transcript fee"}


def test_the_2028_calendar_has_the_nrmp_and_residencycas_deadlines(invoke: Invoke) -> None:
    calendar = answer(invoke, "season")["calendar"]
    nrmp = {r["event"]: r for r in calendar if r["service"] == "NRMP"}
    expected = {
        "applicant registration opens": "2027-09-14",
        "standard registration deadline": "2028-01-28",
        "ranking opens": "2028-01-31",
        "rank order list certification deadline": "2028-03-01",
        "Match Week and SOAP begin; applicants learn match status": "2028-03-13",
        "SOAP ends": "2028-03-16",
        "Match Day": "2028-03-17",
    }
    for event, date in expected.items():
        assert nrmp[event]["date"] == date and nrmp[event]["projected"] == "true", event
    assert nrmp["ranking opens"]["confidence"] == "unverified"
    rcas = {r["event"] for r in calendar if r["service"] == "ResidencyCAS"}
    assert {"USMLE/COMLEX score requests open", "application deadline"} <= rcas
    eras = {r["event"]: r["date"] for r in calendar if r["service"] == "ERAS"}
    assert eras["MSPEs released to programs with the applications"] == "2027-09-22"


def test_the_2027_calendar_drops_the_october_mspe_date(invoke: Invoke) -> None:
    calendar = answer(invoke, "--season", "2027", "season")["calendar"]
    mspe = [r for r in calendar if "MSPE" in r["event"]]
    assert [r["date"] for r in mspe] == ["2026-09-23"]


def test_a_failing_numeric_step1_then_a_strong_step2_is_an_upward_trajectory(
    invoke: Invoke,
) -> None:
    report = answer(
        invoke, "advise", "-s", "im", "--type", "md", "--step1", "185", "--step2", "252"
    )
    assert {"upward trajectory", "failed attempt"} <= set(report["modifiers"])
    assert any("read as a failed attempt" in f for f in report["flags"])
    assert any("what changed between Step 1 and Step 2 CK" in x for x in texts(report))


def test_a_passing_numeric_step1_is_not_compared_and_says_why(invoke: Invoke) -> None:
    report = answer(
        invoke, "advise", "-s", "im", "--type", "md", "--step1", "231", "--step2", "252"
    )
    assert "upward trajectory" not in report["modifiers"]
    (why,) = [r for r in report["reasons"] if "Step 1" in r]
    assert "passed" in why and "no Step 1 figures of matched applicants" in why


def test_the_cv_line_never_puts_the_median_beside_a_lower_score(invoke: Invoke) -> None:
    below = answer(invoke, "advise", "-s", "ortho", "--type", "md", "--step2", "236")
    (line,) = [x for x in texts(below, "cv") if x.startswith("Examinations")]
    assert line == "Examinations: USMLE Step 2 CK 236."
    strong = answer(invoke, "advise", "-s", "im", "--type", "md", "--step2", "265")
    (line,) = [x for x in texts(strong, "cv") if x.startswith("Examinations")]
    assert "at or above the median" in line and "Charting Outcomes" in line


@pytest.mark.parametrize("season", ["2027", "2028"])
def test_ob_gyn_signals_are_three_gold_and_fifteen_silver(invoke: Invoke, season: str) -> None:
    info = answer(invoke, "--season", season, "specialties")
    (obgyn,) = [s for s in info["specialties"] if s["key"] == "obstetrics_gynecology"]
    rule = obgyn["signals"]
    assert (rule["service"], rule["gold"], rule["silver"]) == ("ResidencyCAS", 3, 15)
    assert rule["confidence"] == "secondary" and "5 signals" in rule["alternatives"][0]


def test_an_ob_gyn_plan_places_both_tiers(invoke: Invoke) -> None:
    plan = answer(invoke, "plan", "-s", "ob-gyn", "--type", "md", "--step2", "245")
    assert plan["signals"] == {
        "gold": {"allowed": 3, "used": 3},
        "silver": {"allowed": 15, "used": 15},
    }
