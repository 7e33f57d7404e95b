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
