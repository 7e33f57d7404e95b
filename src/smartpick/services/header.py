"""What every profile report opens with: the specialty, the season, the profile's flags and,
for a failing Step 2 CK, the retake path instead of a chance."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from smartpick.core.profile import Profile, below_passing, profile_flags
from smartpick.core.seasons import signal_rule

if TYPE_CHECKING:
    from smartpick.core.catalog import Specialty
    from smartpick.services import Services


def report_header(services: Services, profile: Profile) -> tuple[Specialty, int, dict[str, Any]]:
    """The specialty, the season (a --season flag beats the profile's, which beats the
    default) and the fields every profile report opens with."""
    spec = services.resolve_specialty(profile.specialty)
    season = (
        profile.season if services.config.season is None and profile.season else services.season
    )
    header = {
        "season": season,
        "specialty": spec.key,
        "specialty_name": spec.name,
        "applicant_type": profile.applicant_type,
        "step2": profile.step2,
        "flags": flags_for(services, profile, season),
        "retake": retake_path(services, profile, season, spec.key),
    }
    return spec, season, header


# The USMLE's rules on repeating a Step (how often, how many times) change; SmartPick's data
# do not hold the current ones, so the retake path points to them instead of stating them.
REPEAT_RULES = (
    "the USMLE limits how often and how many times a Step may be repeated (for example, no more "
    "than three attempts at the same Step within 12 months: ECFMG, 'New Rules on Repeating "
    "USMLE Examinations', 2012); check the current rules on usmle.org before you schedule"
)


def retake_path(
    services: Services, profile: Profile, season: int, specialty: str
) -> dict[str, Any] | None:
    """For a Step 2 CK score under the passing mark: no chance of matching is given, and this
    path instead (None when the score passes or there is none)."""
    below = below_passing(profile, _passing(services), services.config.today)
    if below is None:
        return None
    mark, on = below
    from smartpick.services.calendar import review_start  # the calendar reads the dataset

    rule = signal_rule(services.dataset.rows("signals"), specialty, season)
    review, event = review_start(services, season, rule.service if rule else "ERAS")
    facts = {
        r["fact_key"]: r for r in services.dataset.rows("exams") if r["exam"] == "USMLE Step 2 CK"
    }
    typical = int(float(facts["score_reporting_time"]["value"]))
    planning = int(float(facts["score_reporting_time_planning"]["value"]))
    latest = review - dt.timedelta(weeks=planning)
    return {
        "score": profile.step2,
        "passing_mark": mark,
        "on": on.isoformat(),
        "steps": [
            f"Step 2 CK {profile.step2} is under the passing mark of {mark} (in force on "
            f"{on.isoformat()}): it is a failed attempt, and SmartPick gives no chance of "
            "matching until you have a passing score.",
            f"Retake Step 2 CK. Results typically arrive within {typical} weeks; allow "
            f"{planning}. To have the new score in when programs start reviewing "
            f"({review.isoformat()}, {event}), test by {latest.isoformat()}.",
            resend_step(rule.service if rule else "ERAS"),
            f"Before you schedule: {REPEAT_RULES}.",
            "Then come back with the new score: SmartPick will give your chances and a list.",
        ],
        "sources": [
            "exams.csv (passing marks, score reporting, transcript)",
            f"calendar.csv ({event})",
        ],
    }


def resend_step(service: str) -> str:
    """How a new score reaches programs that already have the earlier one, by service."""
    if service == "ResidencyCAS":
        return (
            "Request the new score in ResidencyCAS's 'USMLE and COMLEX Scores' section (once "
            "every 24 hours at most); ResidencyCAS sends scores to every program you apply to "
            "(ResidencyCAS applicant help center)."
        )
    return (
        "Programs that already have your transcript see a new score only if you resend it "
        "('Resend My Scores' in MyERAS)."
    )


def _passing(services: Services) -> list[tuple[dt.date, int]]:
    return [
        (dt.date.fromisoformat(r["effective_date"]), int(r["value"]))
        for r in services.dataset.rows("exams")
        if r["exam"] == "USMLE Step 2 CK" and r["fact_key"] == "min_passing_score"
        and r["effective_date"]
    ]  # fmt: skip


def flags_for(services: Services, profile: Profile, season: int) -> list[str]:
    """The warnings a profile carries (a score under the passing mark of its date, a
    graduate outside the calibrated population, no score)."""
    return profile_flags(
        profile, season, _passing(services), services.config.today, step1_marks(services)
    )


def step1_marks(services: Services) -> list[int]:
    """The Step 1 passing marks of the years of numeric scores (exams.csv)."""
    return [
        int(r["value"])
        for r in services.dataset.rows("exams")
        if r["exam"] == "USMLE Step 1" and r["fact_key"] == "min_passing_score"
        and r["value"].isdigit()
    ]  # fmt: skip
