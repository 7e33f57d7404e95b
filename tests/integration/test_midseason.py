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
from smartpick.core.results import Plan
from smartpick.errors import InputError
from smartpick.services import Services
from smartpick.services.midseason import Answer, assumption, midseason_report, read_applied
from smartpick.services.plan import plan_report
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


def _orthopaedics_plan() -> tuple[Profile, Plan]:
    """A plan that spends the specialty's signals (Orthopaedic Surgery MD 247, $2,000)."""
    ortho = parse_profile(
        {"specialty": "orthopaedic surgery", "applicant_type": "md", "step2": 247}
    )
    plan = plan_report(session(), ortho, budget=2000.0)
    assert plan.p_match is not None and any(p.signal for p in plan.programs)
    return ortho.model_copy(update={"season": plan.season}), plan


def test_before_programs_review_the_season_gives_the_plans_chance_for_its_list() -> None:
    """The day before review starts, nothing is known: the plan's list with its signals has
    the plan's chance; read without its signals it would be far lower."""
    ortho, plan = _orthopaedics_plan()
    before = dt.date(2027, 9, 20)
    rows = [Answer(k, p.program_id, "waiting", None, p.signal) for k, p in
            enumerate(plan.programs, start=1)]  # fmt: skip
    now = midseason_report(session(), ortho, rows, before)
    assert now.p_match_now == pytest.approx(plan.p_match, abs=0.005)
    assert [p.signal for p in now.programs] == [p.signal for p in plan.programs]
    bare = [dataclasses.replace(a, signal=None) for a in rows]
    unsignaled = midseason_report(session(), ortho, bare, before).p_match_now
    assert unsignaled is not None and unsignaled < plan.p_match - 0.2


def test_a_signal_the_specialty_does_not_have_or_one_too_many_is_named() -> None:
    ortho, plan = _orthopaedics_plan()
    rows = [Answer(k, p.program_id, "waiting", None, p.signal) for k, p in
            enumerate(plan.programs, start=1)]  # fmt: skip
    silver = [*rows[:-1], dataclasses.replace(rows[-1], signal="silver")]
    with pytest.raises(
        InputError, match=f"line {len(rows)}: Orthopaedic Surgery has no silver signal"
    ):
        midseason_report(session(), ortho, silver, dt.date(2027, 9, 20))
    every = [dataclasses.replace(a, signal="signal") for a in rows]
    with pytest.raises(InputError, match=r"46 programs are marked with a signal; .* allows 30"):
        midseason_report(session(), ortho, every, dt.date(2027, 9, 20))
    # a withdrawn application's signal was sent all the same: it counts against the limit
    # and is checked like the others, though the model leaves the program out
    withdrawn = [dataclasses.replace(a, status="withdrawn", signal="signal") for a in rows[30:]]
    with pytest.raises(InputError, match=r"\d+ programs are marked with a signal"):
        midseason_report(session(), ortho, [*rows[:30], *withdrawn], dt.date(2027, 9, 20))
    gone = [*rows[:-1], dataclasses.replace(rows[-1], status="withdrawn", signal="silver")]
    with pytest.raises(InputError, match="has no silver signal"):
        midseason_report(session(), ortho, gone, dt.date(2027, 9, 20))
    # a gold signal in a specialty of one kind is its signal (the page's first signal list)
    gold = [dataclasses.replace(a, signal="gold" if a.signal else None) for a in rows]
    assert midseason_report(session(), ortho, gold, dt.date(2027, 9, 20)).p_match_now == (
        pytest.approx(plan.p_match, abs=0.005)
    )


def test_programs_without_published_rates_are_said_and_an_invitation_still_counts() -> None:
    """121 Internal Medicine programs publish no interview rates: the model cannot read their
    answers as signs of strength, but an invitation from one is an interview all the same."""
    rated = {r["acgme_id"] for r in session().dataset.rows("interview_rates")}
    bare = [
        p.acgme_id for p in session().programs_by_id.values()
        if p.specialty_key == "internal_medicine" and p.acgme_id not in rated
    ][:3]  # fmt: skip
    base = report()
    quiet = [*answers(), *(Answer(40 + k, pid, status, None) for k, (pid, status) in
             enumerate(zip(bare, ("withdrawn", "waiting", "rejected"), strict=True)))]  # fmt: skip
    answer = report(quiet)
    assert answer.p_match_now == base.p_match_now  # neither read nor expected
    assert len(answer.programs) == len(quiet)  # still listed with their answers
    assert any("2 programs of your list publish no interview rates" in n and
               "likely higher than shown" in n and "1 turned you down: not weighed" in n
               for n in answer.notes)  # fmt: skip
    invited = report([*answers(), Answer(40, bare[0], "invited", None)])
    assert invited.p_match_from_interviews is not None and base.p_match_from_interviews
    assert invited.p_match_from_interviews > base.p_match_from_interviews  # a third interview
    assert any("1 invited you: counted as an interview" in n for n in invited.notes)


def test_the_list_reads_a_signal_column() -> None:
    rows = read_applied(
        "program_id,status,date,signal\n"
        "1400500011,invited,2026-11-02,gold\n1403600333,waiting,,\n1403511304,waiting,,Silver\n"
    )
    assert [a.signal for a in rows] == ["gold", None, "silver"]
    with pytest.raises(InputError, match="line 2: signal 'platinum' is not one of gold"):
        read_applied("program_id,status,date,signal\n1400500011,waiting,,platinum\n")
    # a fourth column of another name is the applicant's own, left alone as before
    notes = read_applied("program_id,status,date,notes\n1400500011,waiting,,emailed PD\n")
    assert notes[0].signal is None


def test_how_silence_is_read_follows_the_share_of_invitations_sent() -> None:
    dates = {"review": dt.date(2027, 9, 22), "rol_deadline": dt.date(2028, 3, 1)}
    assert "silence says nothing yet" in assumption(dates, 0.0, 0.0)
    assert "keeps most of its chance" in assumption(dates, 0.1, 0.34)
    assert "only with a small chance" in assumption(dates, 0.5, 0.94)
