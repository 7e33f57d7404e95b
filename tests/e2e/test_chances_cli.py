"""`smartpick chances`: every program's probabilities for a profile, and a list's chance."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import Invoke


def chances(invoke: Invoke, *args: str) -> dict[str, Any]:
    result = invoke("chances", *args, "--json")
    assert result.code == 0, result.err
    payload: dict[str, Any] = json.loads(result.out)
    return payload


def test_every_probability_is_a_probability_inside_its_interval(invoke: Invoke) -> None:
    report = chances(
        invoke, "-s", "ob-gyn", "--type", "md", "--step2", "248", "--school-state", "TX"
    )
    assert report["season"] == 2028 and len(report["programs"]) > 200
    for row in report["programs"]:
        low, high = row["p_interview_interval"]
        assert 0 <= low <= row["p_interview"] <= high <= 1, row
        low, high = row["p_match_standalone_interval"]
        assert 0 <= low <= row["p_match_standalone"] <= high <= 1, row
        assert row["p_match_standalone"] <= row["p_interview"]
    typical = report["typical"]
    low, high = typical["p_match_interval"]
    assert 0 <= low <= typical["p_match"] <= high <= 1
    in_state = [r for r in report["programs"] if r["in_state"]]
    assert in_state and all(r["state"] == "TX" for r in in_state)


def test_a_signal_never_lowers_an_interview_chance(invoke: Invoke) -> None:
    for spec in ("dermatology", "family medicine", "orthopaedic surgery"):
        report = chances(invoke, "-s", spec, "--type", "do", "--step2", "240")
        tiers = report["programs"][0]["p_interview_signal"]
        assert tiers, spec  # these specialties have signals in 2028
        for row in report["programs"]:
            for tier, p in row["p_interview_signal"].items():
                assert p >= row["p_interview"], (spec, tier, row)


def test_a_higher_score_never_lowers_any_chance(invoke: Invoke) -> None:
    low = chances(invoke, "-s", "general surgery", "--type", "md", "--step2", "235")
    high = chances(invoke, "-s", "general surgery", "--type", "md", "--step2", "260")
    assert high["typical"]["p_match"] > low["typical"]["p_match"]
    before = {r["acgme_id"]: r for r in low["programs"]}
    for row in high["programs"]:
        assert row["p_interview"] >= before[row["acgme_id"]]["p_interview"]
        assert row["p_match_standalone"] >= before[row["acgme_id"]]["p_match_standalone"]


def test_the_model_reproduces_the_published_standing_for_typical_applicants(
    invoke: Invoke,
) -> None:
    # The standing is the published curve; the engine builds its number from the programs.
    for spec, kind in (("dermatology", "md"), ("psychiatry", "md"), ("anesthesiology", "do")):
        model = chances(invoke, "-s", spec, "--type", kind, "--step2", "250")["typical"]
        result = invoke("standing", "-s", spec, "--type", kind, "--step2", "250", "--json")
        published = json.loads(result.out)["p_match"]
        assert model["p_match"] == pytest.approx(published, abs=0.08), spec


def test_programs_that_do_not_sponsor_the_visa_are_excluded_and_listed_last(
    invoke: Invoke,
) -> None:
    report = chances(invoke, "-s", "im", "--type", "non-us-img", "--step2", "245", "--visa", "j1")
    rows = report["programs"]
    excluded = [i for i, r in enumerate(rows) if r.get("excluded")]
    assert excluded and excluded == list(range(len(rows) - len(excluded), len(rows)))
    for i in excluded:
        assert rows[i]["visa_fit"] == "does not sponsor" and rows[i]["p_interview"] == 0
    assert any("visa policy unknown" in n for n in report["notes"])


def test_a_list_gains_with_every_program_and_each_program_counts(invoke: Invoke) -> None:
    first = chances(invoke, "-s", "psychiatry", "--type", "md", "--step2", "240")
    ids = [r["acgme_id"] for r in first["programs"][:12]]
    base = ("-s", "psychiatry", "--type", "md", "--step2", "240")
    short = chances(invoke, *base, *[a for i in ids[:6] for a in ("--apply", i)])["list"]
    long = chances(invoke, *base, *[a for i in ids for a in ("--apply", i)])["list"]
    assert long["p_match"] > short["p_match"] > 0
    assert long["expected_interviews"] > short["expected_interviews"]
    assert sum(p["p_end_up"] for p in long["programs"]) == pytest.approx(long["p_match"], abs=1e-3)
    for p in long["programs"]:
        assert 0 <= p["leave_one_out"] <= long["p_match"]
    low, high = long["p_match_interval"]
    assert low <= long["p_match"] <= high


def test_an_away_rotation_raises_that_programs_chance(invoke: Invoke) -> None:
    base = chances(invoke, "-s", "radiology", "--type", "md", "--step2", "250")
    target = base["programs"][40]["acgme_id"]
    away = chances(invoke, "-s", "radiology", "--type", "md", "--step2", "250", "--away", target)
    before = {r["acgme_id"]: r["p_interview"] for r in base["programs"]}
    after = {r["acgme_id"]: r["p_interview"] for r in away["programs"]}
    assert after[target] > before[target]
    assert all(after[i] == before[i] for i in before if i != target)
    assert any("away rotation" in n for n in away["notes"])


def test_the_same_inputs_give_the_same_outputs(invoke: Invoke) -> None:
    args = ("-s", "neurology", "--type", "us-img", "--step2", "238")
    assert chances(invoke, *args) == chances(invoke, *args)
    assert any("parameters fitted for non-U.S." in n for n in chances(invoke, *args)["notes"])


def test_a_specialty_without_program_rates_says_so(invoke: Invoke) -> None:
    report = chances(invoke, "-s", "urology", "--type", "md", "--step2", "250")
    assert report["programs"] == []
    assert any("no program interview rates" in n for n in report["notes"])


def test_bad_list_entries_are_refused_with_a_message(invoke: Invoke) -> None:
    result = invoke(
        "chances", "-s", "psychiatry", "--type", "md", "--step2", "240", "--apply", "9999999999"
    )
    assert result.code == 2 and "9999999999" in result.err and "ACGME id" in result.err
    assert "smartpick chances" in result.err
    first = chances(invoke, "-s", "psychiatry", "--type", "md", "--step2", "240")
    pid = first["programs"][0]["acgme_id"]
    result = invoke(
        "chances",
        "-s",
        "psychiatry",
        "--type",
        "md",
        "--step2",
        "240",
        "--apply",
        f"{pid}:platinum",
    )
    assert result.code == 2 and "platinum" in result.err


def test_the_table_shows_programs_and_notes(invoke: Invoke) -> None:
    result = invoke("chances", "-s", "derm", "--type", "md", "--step2", "255", "--limit", "3")
    assert result.code == 0
    assert "Typical list:" in result.out and result.out.count("[08") == 3
