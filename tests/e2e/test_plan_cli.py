"""`smartpick plan`: the optimized list, its curve, signals and limits."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from tests.e2e.conftest import Invoke


def plan(invoke: Invoke, *args: str) -> dict[str, Any]:
    result = invoke("plan", *args, "--json")
    assert result.code == 0, result.err
    payload: dict[str, Any] = json.loads(result.out)
    return payload


def test_the_plan_has_the_promised_keys_and_consistent_numbers(invoke: Invoke) -> None:
    report = plan(invoke, "-s", "ob-gyn", "--type", "md", "--step2", "245", "--school-state", "OH")
    assert report["season"] == 2028
    low, high = report["p_match_interval"]
    assert 0 <= low <= report["p_match"] <= high <= 1
    n = report["recommended_applications"]["n"]
    assert report["applications"] == n == len(report["programs"])
    assert report["curve"][n - 1]["p_match"] == pytest.approx(report["p_match"], abs=2e-4)
    assert sum(p["p_end_here"] for p in report["programs"]) == pytest.approx(
        report["p_match"], abs=1e-3
    )
    for p in report["programs"]:
        assert p["tier"] in ("reach", "target", "likely")
        assert 0 <= p["loo_delta"] <= report["p_match"]
        assert p["p_match_alone"] <= p["p_interview"]
        # One number and where it came from.
        assert any(ch.isdigit() for ch in p["reason"])
        assert "SmartPick" in p["reason"] or "FREIDA" in p["reason"]
        assert set(p) >= {
            "program_id",
            "name",
            "city",
            "state",
            "p_interview",
            "p_match_alone",
            "p_end_here",
            "loo_delta",
            "tier",
            "signal",
            "reason",
        }


def test_more_applications_never_lower_the_chance_and_cost_follows_the_fees(
    invoke: Invoke,
) -> None:
    curve = plan(invoke, "-s", "general surgery", "--type", "do", "--step2", "240")["curve"]
    chances = [c["p_match"] for c in curve]
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(chances))
    costs = {c["n"]: c["cost"] for c in curve}
    assert costs[30] == 330 and costs[31] == 360  # ERAS: $11 to 30 programs, then $30 each


def test_signals_never_exceed_what_the_season_allows(invoke: Invoke) -> None:
    report = plan(invoke, "-s", "dermatology", "--type", "md", "--step2", "255")
    for tier, used in report["signals"].items():
        assert used["used"] <= used["allowed"], tier
        assert sum(p["signal"] == tier for p in report["programs"]) == used["used"]
    none = plan(invoke, "-s", "dermatology", "--type", "md", "--step2", "255", "--signals", "none")
    assert all(p["signal"] is None for p in none["programs"])
    assert none["curve"][9]["p_match"] <= report["curve"][9]["p_match"]
    assert "certificate" in none
    assert none["certificate"]["certified_gap"] >= 0


def test_a_budget_or_a_count_bounds_the_list(invoke: Invoke) -> None:
    by_count = plan(
        invoke, "-s", "psychiatry", "--type", "non-us-img", "--step2", "235", "--applications", "40"
    )
    assert by_count["applications"] == 40
    by_budget = plan(
        invoke, "-s", "psychiatry", "--type", "non-us-img", "--step2", "235", "--budget", "500"
    )
    assert by_budget["cost_usd"] <= 500 < by_budget["cost_usd"] + 30


def test_programs_that_cannot_take_the_applicant_never_appear(invoke: Invoke) -> None:
    report = plan(
        invoke,
        "-s",
        "im",
        "--type",
        "non-us-img",
        "--step2",
        "240",
        "--visa",
        "h1b",
        "--applications",
        "60",
    )
    chances = invoke(
        "chances", "-s", "im", "--type", "non-us-img", "--step2", "240", "--visa", "h1b", "--json"
    )
    excluded = {r["acgme_id"] for r in json.loads(chances.out)["programs"] if r.get("excluded")}
    assert excluded and not excluded & {p["program_id"] for p in report["programs"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--applications", "10", "--budget", "300"), "not both"),
        (("--budget", "5"), "pays for no application"),
        (("--target", "1.5"), "between 0 and 1"),
    ],
)
def test_bad_plan_requests_get_a_clear_message(
    invoke: Invoke, args: tuple[str, ...], message: str
) -> None:
    result = invoke("plan", "-s", "psychiatry", "--type", "md", "--step2", "240", *args)
    assert result.code == 2 and message in result.err


def test_the_table_and_the_csv(invoke: Invoke) -> None:
    table = invoke("plan", "-s", "neurology", "--type", "md", "--step2", "245")
    assert table.code == 0 and "chance of matching" in table.out and "Tier" in table.out
    csv_out = invoke("plan", "-s", "neurology", "--type", "md", "--step2", "245", "--csv")
    lines = csv_out.out.strip().splitlines()
    assert lines[0].startswith("program_id,name,city,state,tier,signal")
    assert len(lines) > 1


def test_a_parallel_plan_splits_the_budget_when_the_preferred_chance_is_low(
    invoke: Invoke,
) -> None:
    report = plan(invoke, "-s", "ortho", "--type", "do", "--step2", "238", "--backup", "pm&r")
    assert report["p_match"] < 0.8
    parallel = report["parallel"]
    assert parallel["needed"] and parallel["available"]
    split = parallel["split"]
    assert split["cost_usd"] <= report["cost_usd"]
    assert parallel["p_any"] >= parallel["p_preferred"]
    # The chosen split is worth at least putting everything into the preferred specialty.
    value = parallel["p_preferred"] + 0.5 * parallel["p_backup_only"]
    assert value >= report["p_match"] - 1e-3
    assert len(parallel["backup_programs"]) == split["backup"]
    counted = plan(
        invoke,
        "-s",
        "ortho",
        "--type",
        "do",
        "--step2",
        "238",
        "--backup",
        "pm&r",
        "--applications",
        "40",
    )
    assert sum(counted["parallel"]["split"][k] for k in ("preferred", "backup")) == 40


def test_no_parallel_plan_when_the_chance_is_high_or_no_backup_is_named(invoke: Invoke) -> None:
    high = plan(
        invoke, "-s", "family medicine", "--type", "md", "--step2", "240", "--backup", "psychiatry"
    )
    assert high["parallel"]["needed"] is False
    low = plan(invoke, "-s", "dermatology", "--type", "do", "--step2", "235")
    assert low["parallel"]["needed"] and not low["parallel"]["available"]
    assert "name a backup specialty" in low["parallel"]["why"]  # plain words, also on pages
    text = invoke("plan", "-s", "dermatology", "--type", "do", "--step2", "235").out
    assert "name a backup specialty (--backup)" in text  # the command line names its option


def test_interviews_received_update_the_chances(invoke: Invoke) -> None:
    base = ("-s", "psychiatry", "--type", "md", "--step2", "238", "--applications", "30")
    ids = [p["program_id"] for p in plan(invoke, *base)["programs"]]
    few = plan(invoke, *base, "--interviews", ",".join(ids[10:11]))["season_update"]
    many = plan(invoke, *base, "--interviews", ",".join(ids[:6]))["season_update"]
    assert few["interviews"] == 1 and many["interviews"] == 6
    assert 0 < few["p_match_from_interviews"] < many["p_match_from_interviews"] <= 1
    assert few["p_match_with_pending"] >= few["p_match_from_interviews"]
    for more in few["more_programs"]:
        assert more["gain"] >= 0
    assert "worth it" in few["advice"]
    bad = invoke("plan", *base, "--interviews", "123")
    assert bad.code == 2 and "123" in bad.err


def test_preferred_regions_and_ratings_steer_the_list(invoke: Invoke) -> None:
    base = ("-s", "psychiatry", "--type", "md", "--step2", "240", "--applications", "20")
    plain = plan(invoke, *base)
    west = plan(invoke, *base, "--prefer-division", "pacific")
    pacific = {"CA", "OR", "WA", "AK", "HI"}
    assert west["goal"].startswith("expected value") and plain["goal"] == "the chance of matching"
    assert sum(p["state"] in pacific for p in west["programs"]) > sum(
        p["state"] in pacific for p in plain["programs"]
    )
    values = [c["value"] for c in west["curve"]]
    assert all(b >= a - 1e-9 for a, b in itertools.pairwise(values))
    assert west["value"] <= west["p_match"] + 1e-9  # worth is at most 1 per match
    # The list is in the order of preference: preferred-region programs first.
    states = [p["state"] in pacific for p in west["programs"]]
    assert states == sorted(states, reverse=True)
    target = plain["programs"][-1]["program_id"]
    rated = plan(invoke, *base, "--rate", f"{target}=10")
    assert rated["programs"][0]["program_id"] == target


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--rate", "123=5"), "not among"),
        (("--rate", "oops"), "ACGME id=rating"),
        (("--prefer-division", "12"), "division"),
        (("--prefer-division", "1", "--other-region-value", "2"), "between 0 and 1"),
    ],
)
def test_bad_preferences_get_a_clear_message(
    invoke: Invoke, args: tuple[str, ...], message: str
) -> None:
    result = invoke("plan", "-s", "psychiatry", "--type", "md", "--step2", "240", *args)
    assert result.code == 2 and message in result.err, result.err


def test_every_listed_program_has_an_interval_around_its_interview_chance(
    invoke: Invoke,
) -> None:
    report = plan(invoke, "-s", "neurology", "--type", "do", "--step2", "240")
    for p in report["programs"]:
        low, high = p["p_interview_interval"]
        assert 0 <= low <= p["p_interview"] <= high <= 1, p


def test_the_geographic_preference_is_chosen_by_enumeration(invoke: Invoke) -> None:
    base = ("-s", "psychiatry", "--type", "md", "--step2", "240", "--school-state", "OH")
    auto = plan(invoke, *base, "--geography", "auto")["geography"]
    assert 0 <= len(auto["divisions"]) <= 3
    assert auto["p_match"] >= auto["p_match_no_preference"]
    assert all(a["p_match"] <= auto["p_match"] for a in auto["alternatives"])
    west = plan(invoke, *base, "--geography", "pacific,mountain")["geography"]
    assert west["divisions"] == [8, 9] and west["p_match"] <= auto["p_match"]
    assert "a prior" in west["prior"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("-s", "emergency medicine", "--geography", "auto"), "ResidencyCAS"),
        (("-s", "psychiatry", "--geography", "1,2,3,4"), "one to three"),
        (("-s", "psychiatry", "--geography", "atlantis"), "division"),
    ],
)
def test_bad_geographic_preferences_are_refused(
    invoke: Invoke, args: tuple[str, ...], message: str
) -> None:
    result = invoke("plan", *args, "--type", "md", "--step2", "240")
    assert result.code == 2 and message in result.err, result.err


def test_fee_assistance_prices_the_first_applications_as_the_aamc_example_does(
    invoke: Invoke,
) -> None:
    im = ("-s", "internal medicine", "--type", "md", "--step2", "236", "--applications", "60")
    full = plan(invoke, *im)
    assisted = plan(invoke, *im, "--fee-assistance")
    share = assisted["fee_assistance"]["share_paid"]
    assert share == pytest.approx(239 / 797, abs=1e-4)
    assert assisted["fee_assistance"]["covered"] == 50
    assert any("Fee Assistance" in n for n in assisted["notes"])
    by_n = {c["n"]: c["cost"] for c in full["curve"]}
    for point in assisted["curve"]:
        n = point["n"]
        if n <= 50:
            assert point["cost"] == pytest.approx(by_n[n] * 239 / 797, abs=0.01)
        else:  # beyond the example's 50 applications: the full fee, never understated
            assert point["cost"] - assisted["curve"][49]["cost"] == pytest.approx(
                by_n[n] - by_n[50], abs=0.01
            )
    # The same budget buys more applications with the discount
    budget = ("-s", "internal medicine", "--type", "md", "--step2", "236", "--budget", "120")
    assert (
        plan(invoke, *budget, "--fee-assistance")["applications"]
        > plan(invoke, *budget)["applications"]
    )


def test_fee_assistance_is_for_eras_only_and_counts_over_both_specialties(
    invoke: Invoke,
) -> None:
    em = plan(invoke, "-s", "emergency medicine", "--type", "md", "--fee-assistance")
    assert em["fee_assistance"] is None
    assert any("ResidencyCAS fees are in full" in n for n in em["notes"])
    ortho = ("-s", "ortho", "--type", "do", "--step2", "238", "--backup", "pm&r")
    assisted = plan(invoke, *ortho, "--fee-assistance", "--applications", "70")
    split = assisted["parallel"]["split"]
    assert split["preferred"] + split["backup"] == 70
    # 50 discounted applications in all, whatever the split: 20 at the full fee
    full = plan(invoke, *ortho, "--applications", "70")["parallel"]["split"]
    assert split["cost_usd"] < full["cost_usd"]


def test_residencycas_geographic_connections_raise_the_connected_states_only(
    invoke: Invoke,
) -> None:
    em = ("-s", "emergency medicine", "--type", "md", "--step2", "240", "--signals", "none")
    base = plan(invoke, *em, "--applications", "150")
    tied = plan(invoke, *em, "--applications", "150", "--connections", "TX,ohio")
    assert tied["connections"]["connections"] == ["TX", "OH"]
    assert tied["connections"]["odds_ratio"] > 1
    assert "carried over" in tied["connections"]["prior"]
    before = {p["program_id"]: p for p in base["programs"]}
    raised = 0
    for p in tied["programs"]:
        if p["program_id"] not in before:
            continue  # the longest list is the 150 best, and the best changed
        old = before[p["program_id"]]["p_interview"]
        if p["state"] in ("TX", "OH"):
            assert p["p_interview"] > old
            raised += 1
        else:
            assert p["p_interview"] == old
    assert raised > 0
    assert tied["p_match"] >= base["p_match"]


def test_connections_belong_to_residencycas_and_are_checked(invoke: Invoke) -> None:
    cases = {
        ("-s", "psychiatry", "--connections", "TX"): "a ResidencyCAS choice",
        ("-s", "emergency medicine", "--connections", "TX,OH,CA,NY"): "up to 3",
        ("-s", "emergency medicine", "--connections", "Narnia"): "a US state or territory",
        ("-s", "emergency medicine", "--geography", "3"): "geographic connections",
    }
    for args, message in cases.items():
        result = invoke("plan", *args, "--type", "md")
        assert result.code == 2 and message in result.err, (args, result.err)


def test_each_application_says_what_it_costs_per_point_of_chance(invoke: Invoke) -> None:
    report = plan(invoke, "-s", "psychiatry", "--type", "md", "--step2", "240")
    curve = report["curve"]
    previous_cost, previous_p = 0.0, 0.0
    for point in curve:
        gain = 100 * (point["p_match"] - previous_p)
        if gain > 0:
            fee = point["cost"] - previous_cost
            assert point["usd_per_point"] == pytest.approx(fee / gain, abs=0.01)
        else:
            assert point["usd_per_point"] is None
        previous_cost, previous_p = point["cost"], point["p_match"]
    rec = report["recommended_applications"]
    at = curve[rec["n"] - 1]
    assert rec["usd_per_point"] == at["usd_per_point"]
    assert rec["usd_per_point_average"] == pytest.approx(at["cost"] / (100 * at["p_match"]), 0.01)


def test_fee_assistance_never_discounts_a_residencycas_backup(invoke: Invoke) -> None:
    profile = ("-s", "internal medicine", "--type", "non-us-img", "--step2", "225")
    args = (
        *profile,
        "--backup",
        "obstetrics and gynecology",
        "--budget",
        "150",
        "--fee-assistance",
    )
    parallel = plan(invoke, *args)["parallel"]
    split = parallel["split"]
    assert split["cost_usd"] <= 150
    if split["backup"]:
        assert split["cost_usd"] >= 99  # ResidencyCAS's first tier, in full


def test_the_text_plan_prints_the_curve_of_a_short_list_to_its_end(invoke: Invoke) -> None:
    args = ("-s", "internal medicine", "--type", "md", "--step2", "245", "--applications", "4")
    curve = plan(invoke, *args)["curve"]
    result = invoke("plan", *args)
    assert result.code == 0, result.err
    line = next(x for x in result.out.splitlines() if "Applications -> chance" in x)
    # every count up to the list's own four, each with the chance the JSON gives
    for point in curve:
        assert f"{point['n']} -> {point['p_match']:.0%}" in line
    assert curve[-1]["n"] == 4
