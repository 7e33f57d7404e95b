"""COMLEX-only DO students get a standing and a plan from their COMLEX Level 2-CE (issue 14),
said at the top, with the interval widened for the mapping."""

from __future__ import annotations

import functools

from smartpick.core.profile import parse_profile
from smartpick.services import Services
from smartpick.services.plan import plan_report
from smartpick.services.scores import comlex_equivalent
from smartpick.services.standing import standing_report
from smartpick.settings import load_config


@functools.cache
def session() -> Services:
    return Services(load_config({}))


def do(**score: object) -> object:
    return parse_profile({"specialty": "family medicine", "applicant_type": "do", **score})


def test_a_comlex_only_do_gets_a_standing_with_a_wider_interval() -> None:
    report = standing_report(session(), do(comlex2=550))
    assert report["p_match"] is not None and report["basis"] == "model"
    assert report["flags"][0].startswith("COMLEX Level 2-CE 550 read as Step 2 CK")
    assert "likely lower than shown" in report["flags"][0]
    eq = comlex_equivalent(session(), do(comlex2=550))
    assert eq is not None and eq.low < eq.score < eq.high
    direct = standing_report(session(), do(step2=eq.score))
    low, high = report["p_match_interval"]
    d_low, d_high = direct["p_match_interval"]
    assert low <= d_low and high >= d_high and (low, high) != (d_low, d_high)
    assert report["p_match"] == direct["p_match"]
    assert "comlex2" not in report["not_modelled"]


def test_a_higher_comlex_never_lowers_the_chance() -> None:
    chances = [standing_report(session(), do(comlex2=c))["p_match"] for c in (430, 520, 650)]
    assert chances == sorted(chances)


def test_a_comlex_only_plan_says_where_its_score_comes_from() -> None:
    plan = plan_report(session(), do(comlex2=550))
    assert plan.programs and plan.p_match is not None
    assert plan.flags[0].startswith("COMLEX Level 2-CE 550")


def test_a_failing_comlex_gets_no_chance_and_a_step2_is_used_as_given() -> None:
    failing = standing_report(session(), do(comlex2=380))
    assert failing["p_match"] is None and "under the passing mark" in failing["flags"][0]
    both = standing_report(session(), do(step2=240, comlex2=700))
    assert both["step2"] == 240 and not any("read as Step 2 CK" in f for f in both["flags"])
    md = parse_profile({"specialty": "family medicine", "applicant_type": "md", "comlex2": 600})
    assert comlex_equivalent(session(), md) is None
