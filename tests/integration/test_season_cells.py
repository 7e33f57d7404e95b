"""One session serves profiles of several seasons: what the Evaluator keeps for one season's
signals is never handed to another's (the cells depend on the planned season's tiers)."""

from __future__ import annotations

from typing import Any

from smartpick.core.profile import parse_profile
from smartpick.services import Services
from smartpick.services.chances import chances_report
from smartpick.services.standing import standing_report
from smartpick.settings import load_config

PROFILE = {"specialty": "internal medicine", "applicant_type": "md", "step2": 245}


def _answers(s: Services, season: int) -> tuple[Any, ...]:
    profile = parse_profile({**PROFILE, "season": season})
    standing = standing_report(s, profile)
    chances = chances_report(s, profile)
    first = chances.programs[0]
    return (
        standing["p_match"], tuple(standing["p_match_interval"]), first.p_interview,
        tuple(first.p_interview_interval), tuple(sorted(first.p_interview_signal.items())),
    )  # fmt: skip


def test_a_season_asked_after_another_gets_its_own_numbers() -> None:
    # 2024: the rates' own season (7 signals of one tier, no column); 2028: 3 gold, 12 silver
    fresh = {season: _answers(Services(load_config({})), season) for season in (2024, 2028)}
    assert fresh[2024] != fresh[2028]
    shared = Services(load_config({}))
    for season in (2028, 2024, 2028):
        assert _answers(shared, season) == fresh[season]


def test_a_silver_signal_counts_less_than_a_gold_one_where_no_rate_says() -> None:
    """Internal Medicine's rates have no signal column: both tiers rest on the prior, silver
    at the share of gold that the specialties publishing both tiers show (63% to 77%)."""
    s = Services(load_config({}))
    assert 0.6 < s.priors.silver_share < 0.8 and "5 specialties" in s.priors.silver_source
    chances = chances_report(s, parse_profile({**PROFILE, "season": 2028}))
    for program in chances.programs[:20]:
        gold, silver = program.p_interview_signal["gold"], program.p_interview_signal["silver"]
        assert program.p_interview < silver < gold
    assert any("silver signal's effect is 72% of a gold" in n for n in chances.notes)
