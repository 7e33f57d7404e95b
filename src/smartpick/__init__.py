"""SmartPick: a residency application planner with numbers traced to public sources."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from smartpick.core.profile import Profile
from smartpick.core.results import Advice, Plan
from smartpick.errors import DataError, InputError, NotFoundError, SmartPickError, StoreError

if TYPE_CHECKING:
    from smartpick.services import Services

__all__ = [
    "Advice",
    "DataError",
    "InputError",
    "NotFoundError",
    "Plan",
    "Profile",
    "SmartPickError",
    "StoreError",
    "__version__",
    "advise",
    "plan",
    "standing",
]


def standing(profile: Profile | dict[str, Any], season: int | None = None) -> dict[str, Any]:
    """Where a profile's Step 2 CK stands in its specialty: `p_match` with its interval,
    the score's percentiles among matched and unmatched applicants, the season and sources."""
    from smartpick.services.standing import standing_report

    return standing_report(_services(season), _checked(profile))


def plan(
    profile: Profile | dict[str, Any],
    applications: int | None = None,
    budget: float | None = None,
    preferences: dict[str, Any] | None = None,
    season: int | None = None,
) -> Plan:
    """The best list of programs for the profile's chance of matching, with signals: how many
    (or at most `applications`, or what `budget` dollars of fees buy), which, and the chance
    and cost for every number of applications; a parallel plan with the profile's backup
    specialty when the preferred chance is under 80%. `preferences` takes the command line's
    plan options by name: signals ("auto" or "none"), target, parallel_below, backup_value,
    interviews (ACGME ids), ratings ({id: 1-10}), divisions, other_region_value, geography
    ("none", "auto" or divisions), connections (states), fee_assistance (bool)."""
    from smartpick.services.plan import PREFERENCES, plan_report

    options = dict(preferences or {})
    unknown = sorted(set(options) - PREFERENCES)
    if unknown:
        raise InputError(
            f"unknown plan preference(s): {', '.join(unknown)}",
            field="preferences",
            hint="Known: " + ", ".join(sorted(PREFERENCES)),
        )
    return plan_report(_services(season), _checked(profile), applications, budget, **options)


def advise(profile: Profile | dict[str, Any], season: int | None = None) -> Advice:
    """How to time, release and present the profile's Step 2 CK score: the situation, the
    timeline against the first review, recommendations by section, and what-if scores."""
    from smartpick.services.advice import advise_report

    return advise_report(_services(season), _checked(profile), None)


def _checked(profile: Profile | dict[str, Any]) -> Profile:
    from smartpick.core.profile import parse_profile

    return profile if isinstance(profile, Profile) else parse_profile(dict(profile))


def _services(season: int | None) -> Services:
    """A session with the default settings (and the season, where given)."""
    from smartpick.services import Services
    from smartpick.settings import load_config

    return Services(load_config({"season": None if season is None else str(season)}))


__version__ = "0.1.0"
