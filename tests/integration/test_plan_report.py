"""A solved list's numbers as a plan shows them (core.plan.report, core.plan.options), on their
typed results: the list's outcome against its programs' own chances, the curve, intervals and
certificate, the split of a parallel plan, the update from invitations and the worths."""

from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np
import pytest

from smartpick.core.fees import Tier, cost
from smartpick.core.plan.options import Split, best_split, season_update, utilities
from smartpick.core.plan.report import (
    LIKELY,
    TARGET,
    certificate,
    chance_at,
    chance_curve,
    interviews_10_90,
    list_intervals,
    list_outcome,
    tier,
)
from smartpick.core.plan.solution import Solution, decode, solve
from smartpick.core.profile import parse_profile
from smartpick.errors import InputError
from smartpick.services import Services
from smartpick.services.context import build_context, parameter_draws
from smartpick.settings import load_config

FEES = [Tier(1, None, 30.0, "per program")]


@functools.cache
def session() -> Services:
    return Services(load_config({}))


@functools.cache
def solved(specialty: str, limit: int, signals: str = "auto") -> Solution:
    profile = parse_profile(
        {"specialty": specialty, "applicant_type": "md", "step2": 238, "school_state": "PA"}
    )
    ctx = build_context(session(), profile, specialty, session().season, [])
    assert ctx is not None
    return solve(session().evaluator, ctx, 238, limit, signals, FEES, [])


def test_tiers_follow_the_stand_alone_chance() -> None:
    assert tier(LIKELY) == "likely" and tier(LIKELY - 1e-9) == "target"
    assert tier(TARGET) == "target" and tier(TARGET - 1e-9) == "reach"


def test_the_interview_range_reads_the_distribution() -> None:
    assert interviews_10_90(np.array([0.05, 0.05, 0.7, 0.2])) == (1, 3)
    assert interviews_10_90(np.array([0.05, 0.05, 0.8, 0.1])) == (1, 2)  # P(K <= 2) = 0.9
    assert interviews_10_90(np.array([1.0])) == (0, 0)


def test_a_lists_chance_is_between_its_best_program_and_independent_programs() -> None:
    sol = solved("psychiatry", 12)
    chosen, sig = decode(sol.every[11])
    result = list_outcome(sol, chosen, sig)
    alone = np.array([line.p_match_alone for line in result.lines])
    assert len(result.lines) == 12
    assert list(alone) == sorted(alone, reverse=True)  # no worths: by stand-alone chance
    # Shared strength makes outcomes move together: never better than independent programs.
    assert alone.max() <= result.p_match <= 1 - np.prod(1 - alone) + 1e-12
    assert sum(line.p_end_here for line in result.lines) == pytest.approx(result.p_match)
    assert result.expected_interviews == pytest.approx(sum(x.p_interview for x in result.lines))
    assert all(line.loo_delta >= -1e-12 for line in result.lines)
    low, high = result.interviews_10_90
    assert 0 <= low <= result.expected_interviews <= high + 1 and high <= 12
    for line in result.lines:
        if line.signal:  # a signal raises the program's interview chance
            assert line.p_interview > line.p_before_signal
    assert result.p_match == pytest.approx(chance_at(sol, 12))


def test_the_curve_never_falls_and_reads_each_size() -> None:
    sol = solved("psychiatry", 12)
    curve = chance_curve(sol)
    assert len(curve) == 12 and np.all(np.diff(curve) >= -1e-12)
    assert all(chance_at(sol, h) == pytest.approx(curve[h - 1]) for h in (1, 5, 12))


def test_intervals_bracket_a_list_and_each_of_its_programs() -> None:
    sol = solved("psychiatry", 12)
    chosen, sig = decode(sol.every[5])
    programs = [int(sol.sub[j]) for j in chosen]
    signals = [sol.tiers[sig[j] - 1] if j in sig else None for j in chosen]
    spread = list_intervals(
        session().evaluator,
        sol.ctx,
        parameter_draws(session(), sol.ctx),
        238,
        programs,
        signals,
    )
    low, high = spread.p_match
    assert 0 <= low < high <= 1
    assert len(spread.p_interview) == len(programs)
    assert all(0 <= lo <= hi <= 1 for lo, hi in spread.p_interview)


def test_the_certificate_bounds_the_greedy_list() -> None:
    sol = solved("psychiatry", 10, "none")
    bound = certificate(sol, 10)
    assert 0 < bound.value_greedy <= bound.upper_bound + 1e-12
    assert bound.certified_gap == pytest.approx(bound.upper_bound - bound.value_greedy, abs=1e-9)


def test_a_split_of_a_count_uses_it_all_and_is_the_best_tried() -> None:
    sol, sol_b = solved("psychiatry", 12), solved("family_medicine", 12)
    fees = [cost(FEES, h) for h in range(13)]
    best, frontier = best_split(sol, sol_b, fees, lambda _: fees, 12, float("inf"), 0.5)
    assert best is not None and frontier
    assert all(s.preferred + s.backup == 12 for s in frontier)

    def value(s: Split) -> float:
        return s.p_preferred + 0.5 * (s.p_any - s.p_preferred)

    assert value(best) == pytest.approx(max(value(s) for s in frontier))
    assert all(s.p_preferred <= s.p_any + 1e-12 for s in frontier)


def test_a_split_of_money_stays_within_it() -> None:
    sol, sol_b = solved("psychiatry", 12), solved("family_medicine", 12)
    fees = [cost(FEES, h) for h in range(13)]
    best, frontier = best_split(sol, sol_b, fees, lambda _: fees, None, 300.0, 0.5)
    assert best is not None
    assert all(fees[s.preferred] + fees[s.backup] <= 300.0 for s in frontier)
    # Nothing affordable: no split.
    assert best_split(sol, sol_b, [1e9] * 13, lambda _: [1e9] * 13, None, 10.0, 0.5) == (None, [])


def test_invitations_are_evidence_of_strength() -> None:
    sol = solved("psychiatry", 12)
    chosen, sig = decode(sol.every[11])
    ids = [sol.ctx.programs[sol.sub[j]].acgme_id for j in chosen]
    one = season_update(sol, chosen, sig, ids[:1])
    three = season_update(sol, chosen, sig, ids[:3])
    assert one["interviews"] == 1 and three["interviews"] == 3
    assert 0 < one["p_match_from_interviews"] < three["p_match_from_interviews"] < 1
    assert three["p_match_from_interviews"] <= three["p_match_with_pending"] <= 1
    with pytest.raises(InputError, match="not among the programs"):
        season_update(sol, chosen, sig, ["0000000000"])


def test_worths_come_from_ratings_and_regions() -> None:
    programs = [
        SimpleNamespace(acgme_id="a", census_division=1),
        SimpleNamespace(acgme_id="b", census_division=5),
        SimpleNamespace(acgme_id="c", census_division=5),
    ]
    ctx = SimpleNamespace(programs=programs)
    notes: list[str] = []
    assert utilities(ctx, {}, [], 0.5, notes) is None
    worth = utilities(ctx, {"a": 10, "b": 8}, [5], 0.5, notes)
    assert worth is not None
    assert list(worth) == pytest.approx([0.5, 0.8, 0.5])  # c unrated: 5 of 10
    assert any("did not rate" in n for n in notes)
    with pytest.raises(InputError, match="use 1"):
        utilities(ctx, {"a": 11}, [], 0.5, [])
    with pytest.raises(InputError, match="not among"):
        utilities(ctx, {"z": 5}, [], 0.5, [])
