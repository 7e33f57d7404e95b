"""SmartPick: a residency application planner with numbers traced to public sources."""

from typing import Any

from smartpick.core.profile import Profile
from smartpick.errors import DataError, InputError, NotFoundError, SmartPickError, StoreError

__all__ = [
    "DataError",
    "InputError",
    "NotFoundError",
    "Profile",
    "SmartPickError",
    "StoreError",
    "__version__",
    "standing",
]


def standing(profile: Profile | dict[str, Any], season: int | None = None) -> dict[str, Any]:
    """Where a profile's Step 2 CK stands in its specialty: `p_match` with its interval,
    the score's percentiles among matched and unmatched applicants, the season and sources."""
    from smartpick.services.standing import standing_for

    return standing_for(profile, season)


__version__ = "0.1.0"
