"""The typed answers of the plan, the advice and the rank order list (smartpick.core.results),
as their services make them: frozen, dumped with exactly the fields the answer has, and
holding together (the advice speaks of the plan it is given, what-if chances rise with the
score, the rank list's chances add up)."""

from __future__ import annotations

import functools

import pydantic
import pytest

from smartpick.core.profile import Profile, parse_profile
from smartpick.core.results import Advice, Plan, Ranking
from smartpick.services import Services
from smartpick.services.advice import WHAT_IF, advise_report
from smartpick.services.plan import plan_report
from smartpick.services.rank import rank_report
from smartpick.settings import load_config


@functools.cache
def session() -> Services:
    return Services(load_config({}))


def profile(**extra: object) -> Profile:
    return parse_profile({"specialty": "psychiatry", "applicant_type": "md", **extra})


def test_a_plan_is_frozen_and_dumps_only_what_it_has() -> None:
    plan = plan_report(session(), profile(step2=240), budget=900.0)
    with pytest.raises(pydantic.ValidationError):
        plan.p_match = 1.0  # type: ignore[misc]
    dumped = plan.dump()
    assert dumped["budget_usd"] == 900.0 and "unspent_usd" in dumped
    assert "season_update" not in dumped and "value" not in dumped  # never set here
    assert Plan.model_validate(dumped) == plan  # the JSON reads back as the same answer
    default = plan_report(session(), profile(step2=240)).dump()
    assert "budget_usd" not in default


def test_the_advice_speaks_of_the_plan_it_is_given() -> None:
    who = profile(step2=240)
    small = plan_report(session(), who, applications=6)
    advice = advise_report(session(), who, plan=small)
    assert isinstance(advice, Advice) and advice.plan is not None
    assert advice.plan["applications"] == small.applications == 6
    assert advice.plan["p_match"] == small.p_match
    assert advice.what_if == []  # an actual score: no what-if scores
    assert {r.section for r in advice.recommendations} >= {"timing", "cv"}


def test_what_if_chances_rise_with_the_score() -> None:
    advice = advise_report(session(), profile(step2=235, step2_kind="expected"))
    assert [w.step2 for w in advice.what_if] == list(WHAT_IF)
    chances = [w.p_match for w in advice.what_if]
    assert chances == sorted(chances) and all(0 < p <= 1 for p in chances)
    assert all(w.recommended_applications >= 1 for w in advice.what_if)
    assert "expected score" in advice.modifiers


def test_a_rank_lists_chances_add_up_in_the_order_given() -> None:
    chances = plan_report(session(), profile(step2=240), applications=5)
    ids = [p.program_id for p in chances.programs]
    ranking = rank_report(session(), profile(step2=240), ids)
    assert isinstance(ranking, Ranking)
    assert [r.acgme_id for r in ranking.programs] == ids
    assert [r.rank for r in ranking.programs] == [1, 2, 3, 4, 5]
    by_here = [r.p_match_by_here for r in ranking.programs]
    assert by_here == sorted(by_here)
    assert by_here[-1] == pytest.approx(ranking.p_match, abs=1e-3)
    assert sum(r.p_match_here for r in ranking.programs) == pytest.approx(ranking.p_match, abs=1e-3)
    # Ratings set the true order: the highest-rated program comes first.
    rated = rank_report(session(), profile(step2=240), ids, {ids[-1]: 10, ids[0]: 2})
    assert rated.programs[0].acgme_id == ids[-1]
    assert Ranking.model_validate(rated.dump()) == rated


def test_an_h1b_applicant_is_given_the_planned_seasons_rank_deadline() -> None:
    """The 2028 deadline is not published yet: the advice gives the projected one (as the
    season's calendar does), never the 2027 date, which falls before the applications open."""
    who = parse_profile(
        {"specialty": "internal medicine", "applicant_type": "non-us-img", "step2": 250,
         "visa": "h1b", "season": 2028}
    )  # fmt: skip
    text = " ".join(r.text for r in advise_report(session(), who).recommendations)
    assert "Step 3 on your calendar before 2028-03-01 (projected)" in text
    assert "rank order list deadline, 2028-03-01 (projected): without it" in text
    assert "2027-03-03" not in text
    # a season the calendar has no deadline for, even projected: the deadline in words
    later = advise_report(session(), who.model_copy(update={"season": 2029})).recommendations
    words = " ".join(r.text for r in later)
    assert "Step 3 on your calendar before the rank order list deadline." in words
    assert "calendar:" not in words and "not in SmartPick's calendar" not in words
