"""A specialty's list solved (core.plan.solution), on its typed result: bigger lists never
lower the chance, signals stay within the season's counts, the cautious curve sits under the
mean, and a count asked for is kept."""

from __future__ import annotations

import functools

import numpy as np

from smartpick.core.fees import Tier
from smartpick.core.model.evaluation import Context
from smartpick.core.plan.decision import COST_OF_NOT_MATCHING, LOWER
from smartpick.core.plan.solution import Solution, choose_count, decode, lower_curve, solve
from smartpick.core.profile import parse_profile
from smartpick.services import Services
from smartpick.services.context import build_context, parameter_draws
from smartpick.settings import load_config

FEES = [Tier(1, None, 30.0, "per program")]


@functools.cache
def session() -> Services:
    return Services(load_config({}))


@functools.cache
def solved(specialty: str, limit: int) -> tuple[Context, Solution]:
    profile = parse_profile(
        {"specialty": specialty, "applicant_type": "md", "step2": 238, "school_state": "PA"}
    )
    ctx = build_context(session(), profile, specialty, session().season, [])
    assert ctx is not None
    return ctx, solve(session().evaluator, ctx, 238, limit, "auto", FEES, [])


def test_a_bigger_list_never_lowers_the_chance() -> None:
    _, sol = solved("pediatrics", 40)
    chance = 1 - sol.miss[1:] @ sol.w
    assert np.all(np.diff(chance) >= -1e-12)
    assert 0 < chance[0] < chance[-1] <= 1


def test_every_list_has_its_size_and_signals_within_the_season() -> None:
    ctx, sol = solved("pediatrics", 40)
    for size, row in enumerate(sol.every, start=1):
        chosen, signals = decode(row)
        assert len(chosen) == size
        for k, tier in enumerate(sol.tiers, start=1):
            assert sum(1 for t in signals.values() if t == k) <= ctx.signal_counts[tier]


def test_the_cautious_curve_is_under_the_mean_and_a_count_asked_for_is_kept() -> None:
    ctx, sol = solved("psychiatry", 25)
    draws = parameter_draws(session(), ctx)
    lower, mean = lower_curve(session().evaluator, sol, draws, 238, LOWER)
    assert np.all(lower <= mean + 1e-12)
    assert mean[-1] > mean[0]
    asked = choose_count(sol, lower, mean, 0.9, 25, None, COST_OF_NOT_MATCHING.value)
    assert asked["n"] == 25 and "asked for" in asked["why"]
    free = choose_count(sol, lower, mean, 0.9, None, None, COST_OF_NOT_MATCHING.value)
    assert 1 <= free["n"] <= 25
    assert free["p_match_low"] == round(float(lower[free["n"] - 1]), 4)
