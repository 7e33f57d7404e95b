"""Match seasons: which one SmartPick plans for, and how a season's values are looked up.

A season is named by its Match year: "season 2028" sends applications in September 2027 for
the Match in March 2028. Where a value for the planned season is not published, the latest
earlier one is used and marked as carried over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from smartpick.errors import InputError

T = TypeVar("T")

FIRST_SEASON = 2024
LAST_SEASON = 2035


@dataclass(frozen=True)
class Dated:
    """A value for a season, and whether it was published for that season."""

    season: int
    value_season: int
    status: str  # "published", "projected" or "carried over from <season>"

    @property
    def published(self) -> bool:
        return self.status == "published"


def default_season(calendar: Iterable[Mapping[str, str]], today: dt.date) -> int:
    """The next Match whose application season has not opened yet on `today`.

    Read from the calendar's `service_opens` dates of ERAS; for years the calendar does not
    cover, the season whose Match falls in the year after next is assumed.
    """
    opens = sorted(
        (int(row["match_year"]), dt.date.fromisoformat(row["date"]))
        for row in calendar
        if row.get("event_key") == "service_opens" and row.get("service") == "ERAS" and row["date"]
    )
    for season, date in opens:
        if date > today:
            return season
    # No calendar row is in the future: ERAS opens in June of the year before the Match.
    return today.year + 1 if today < dt.date(today.year, 6, 1) else today.year + 2


def check_season(value: int) -> int:
    if not FIRST_SEASON <= value <= LAST_SEASON:
        raise InputError(
            f"season {value} is outside {FIRST_SEASON}-{LAST_SEASON}",
            field="season",
            hint="A season is the Match year, e.g. 2028 for applications sent in 2027.",
        )
    return value


def pick(rows: Sequence[T], season: int, season_of: Mapping[int, int]) -> tuple[list[T], Dated]:
    """Rows of the latest season <= `season`, by a map from row index to its season."""
    known = sorted({s for s in season_of.values() if s <= season})
    if not known:
        return [], Dated(season, season, "not published")
    best = known[-1]
    chosen = [rows[i] for i, s in season_of.items() if s == best]
    status = "published" if best == season else f"carried over from {best}"
    return chosen, Dated(season, best, status)
