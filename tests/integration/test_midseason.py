"""The season as it happens on the shipped data (services.midseason): the review's case, a
U.S. MD in Internal Medicine with 30 applications, 2 invitations and 10 rejections on
2026-12-06, and how the answer moves with the date and the answers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path

import pytest

from smartpick.core.midseason_results import Midseason
from smartpick.core.profile import Profile, parse_profile
from smartpick.errors import InputError
from smartpick.services import Services
from smartpick.services.midseason import Answer, midseason_report, read_applied
from smartpick.settings import load_config

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "midseason.csv"
TODAY = dt.date(2026, 12, 6)


@functools.cache
def session() -> Services:
    return Services(load_config({}))


def profile() -> Profile:
    return parse_profile({"specialty": "im", "applicant_type": "md", "step2": 238})


def answers() -> list[Answer]:
    return read_applied(EXAMPLE.read_text())


def report(rows: list[Answer] | None = None, today: dt.date = TODAY) -> Midseason:
    return midseason_report(session(), profile(), rows or answers(), today)


def test_the_example_is_the_reviews_case() -> None:
    rows = answers()
    assert len(rows) == 30
    assert [sum(a.status == s for a in rows) for s in ("invited", "rejected", "waiting")] == [
        2,
        10,
        18,
    ]


def test_two_invitations_in_december_give_less_than_85_percent_and_concrete_steps() -> None:
    answer = report()
    assert answer.season == 2027
    assert answer.p_match_now is not None and answer.p_match_now_interval is not None
    # NRMP: U.S. MD seniors with two ranked programs match about 70% of the time; the model is
    # on the optimistic side for short lists (docs/model.md), never near certainty.
    assert 0.6 < answer.p_match_now < 0.85
    low, high = answer.p_match_now_interval
    assert low <= answer.p_match_now <= high
    # 18 silent programs in December add a little, not much.
    assert answer.p_match_from_interviews is not None
    assert 0 <= answer.p_match_now - answer.p_match_from_interviews < 0.05
    assert answer.expected_more_invitations is not None and answer.expected_more_invitations < 1
    assert len(answer.next_steps) >= 3
    assert all(step.action and step.reason for step in answer.next_steps)
    actions = " ".join(step.action for step in answer.next_steps)
    assert "Register for the 2027 Match" in actions and "SOAP" in actions
    assert answer.add_programs and all(a.fee > 0 for a in answer.add_programs)
    listed = {a.program_id for a in answers()}
    assert not listed & {a.program_id for a in answer.add_programs}
    assert answer.soap is not None and answer.soap.match_week is not None


def test_the_same_silence_weighs_more_in_january() -> None:
    december, january = report(), report(today=dt.date(2027, 1, 20))
    assert january.expected_more_invitations < december.expected_more_invitations  # type: ignore[operator]
    assert january.p_match_now < december.p_match_now  # type: ignore[operator]


def test_a_rejection_instead_of_an_invitation_lowers_the_chance() -> None:
    rows = answers()
    first = next(k for k, a in enumerate(rows) if a.status == "invited")
    worse = [*rows[:first], dataclasses.replace(rows[first], status="rejected"), *rows[first + 1 :]]
    assert report(worse).p_match_now < report().p_match_now  # type: ignore[operator]


def test_an_answer_after_today_names_its_line() -> None:
    rows = answers()
    late = [dataclasses.replace(rows[0], date=dt.date(2026, 12, 20)), *rows[1:]]
    with pytest.raises(InputError, match=r"line 2: the date 2026-12-20 is after today"):
        report(late)


def test_a_program_of_another_specialty_names_its_line() -> None:
    psychiatry = next(
        p.acgme_id for p in session().programs_by_id.values() if p.specialty_key == "psychiatry"
    )
    rows = [*answers(), Answer(32, psychiatry, "waiting", None)]
    with pytest.raises(InputError, match=r"line 32: .* is a Psychiatry program"):
        report(rows)
