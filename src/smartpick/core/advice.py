"""The Step 2 CK advisor's decisions: the applicant's situation and the score's timeline.

Pure functions over the profile, the published figures and the season's dates; the words
live in templates (smartpick/templates/advice), the numbers come from the engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from smartpick.core.profile import Profile, step1_failed, step1_reading

# The situation, by the Step 2 CK against matched applicants of the type in the specialty.
STRONG, SOLID, BELOW, PENDING = "strong", "solid", "below range", "score pending"


@dataclass(frozen=True)
class Situation:
    """The primary scenario and the modifiers that also apply, each with its reason."""

    scenario: str
    modifiers: tuple[str, ...]
    reasons: tuple[str, ...]


def classify(
    profile: Profile,
    median: float | None,
    q1: float | None,
    figures_note: str | None = None,
    step1_marks: Sequence[int] = (),
) -> Situation:
    """Strong: at or above the matched median; solid: from the first quartile to the median;
    below range: under the first quartile (figures of the type in the specialty, or the
    fallback `figures_note` names); score pending without a score."""
    reasons: list[str] = []
    modifiers: list[str] = []
    score = profile.step2
    if score is None:
        scenario = PENDING
        reasons.append("no Step 2 CK score yet")
    elif median is None or q1 is None:
        scenario = PENDING if profile.step2_kind == "expected" else SOLID
        reasons.append("no published distribution of matched scores to place the score in")
    elif score >= median:
        scenario = STRONG
        reasons.append(f"{score} is at or above the median of matched applicants")
    elif score >= q1:
        scenario = SOLID
        reasons.append(
            f"{score} is between the first quartile and the median of matched applicants"
        )
    else:
        scenario = BELOW
        reasons.append(f"{score} is under the first quartile of matched applicants")
    if figures_note:
        reasons.append(figures_note)
    if score is not None and profile.step2_kind == "expected":
        modifiers.append("expected score")
        reasons.append("the score is expected, not yet reported")
    failed_step1 = step1_failed(profile, step1_marks)
    reading = step1_reading(profile, step1_marks)
    if reading is not None:
        reasons.append(reading[1])
    if failed_step1 and score is not None and q1 is not None and score >= q1:
        modifiers.append("upward trajectory")
        what = "a Step 1 failure" if profile.step1 == "fail" else "a failing numeric Step 1"
        reasons.append(f"{what}, then a Step 2 CK at or above the first quartile")
    if profile.applicant_type in ("us-img", "non-us-img"):
        modifiers.append("IMG")
    if profile.failed_attempts or failed_step1:
        modifiers.append("failed attempt")
    return Situation(scenario, tuple(modifiers), tuple(reasons))


@dataclass(frozen=True)
class Timeline:
    test_date: dt.date | None
    review_starts: dt.date
    review_event: str
    typical_weeks: int
    planning_weeks: int
    score_expected_by: dt.date | None  # typical
    score_by_planning: dt.date | None  # with the planning margin
    in_time_typical: bool | None
    in_time_for_review: bool | None  # at the planning margin
    latest_safe_test_date: dt.date  # review start minus the planning margin
    latest_typical_test_date: dt.date  # review start minus the typical time
    notes: list[str] = field(default_factory=list)


def timeline(
    test_date: dt.date | None,
    review_starts: dt.date,
    review_event: str,
    typical_weeks: int,
    planning_weeks: int,
) -> Timeline:
    """When the score reaches programs, against the date they start reviewing."""
    typical = dt.timedelta(weeks=typical_weeks)
    planning = dt.timedelta(weeks=planning_weeks)
    by, by_planning = (
        (None, None) if test_date is None else (test_date + typical, test_date + planning)
    )
    return Timeline(
        test_date=test_date,
        review_starts=review_starts,
        review_event=review_event,
        typical_weeks=typical_weeks,
        planning_weeks=planning_weeks,
        score_expected_by=by,
        score_by_planning=by_planning,
        in_time_typical=None if by is None else by <= review_starts,
        in_time_for_review=None if by_planning is None else by_planning <= review_starts,
        latest_safe_test_date=review_starts - planning,
        latest_typical_test_date=review_starts - typical,
    )
