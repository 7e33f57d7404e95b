"""SmartPick: a residency application planner with numbers traced to public sources."""

from typing import Any

from smartpick.core.profile import Profile
from smartpick.errors import DataError, InputError, NotFoundError, SmartPickError, StoreError

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

# A plan is the JSON-ready report of `smartpick plan --json` (docs/cli.md lists its keys).
Plan = dict[str, Any]
# Advice is the JSON-ready report of `smartpick advise --json`.
Advice = dict[str, Any]


def standing(profile: Profile | dict[str, Any], season: int | None = None) -> dict[str, Any]:
    """Where a profile's Step 2 CK stands in its specialty: `p_match` with its interval,
    the score's percentiles among matched and unmatched applicants, the season and sources."""
    from smartpick.services.standing import standing_for

    return standing_for(profile, season)


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
    from smartpick.services.plan import plan_for

    return plan_for(profile, applications, budget, season, preferences)


def advise(profile: Profile | dict[str, Any], season: int | None = None) -> Advice:
    """How to time, release and present the profile's Step 2 CK score: the situation, the
    timeline against the first review, recommendations by section, and what-if scores."""
    from smartpick.services.advice import advise_for

    return advise_for(profile, season)


__version__ = "0.1.0"
