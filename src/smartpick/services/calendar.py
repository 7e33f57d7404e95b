"""The season's calendar: when programs start reviewing, and other dated events, from the
calendar table (the season's row, else the latest earlier season's, said)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from smartpick.errors import InputError

if TYPE_CHECKING:
    from smartpick.services import Services

REVIEW_EVENTS = {"ERAS": "programs may begin reviewing", "ResidencyCAS": "programs may view"}


def review_start(services: Services, season: int, service: str) -> tuple[dt.date, str]:
    """When programs start reviewing in the season: the calendar's date, or the latest
    earlier season's moved forward by the years between (said)."""
    phrase = REVIEW_EVENTS.get(service, REVIEW_EVENTS["ERAS"])
    found = calendar_row(
        services, season, lambda r: r["service"] == service and phrase in r["event"], later=True
    )
    if found is None:
        raise InputError(f"the dataset has no review date for {service}")
    row, exact = found
    if exact:
        status = "projected" if row["projected"] == "true" else "published"
        return dt.date.fromisoformat(row["date"]), f"{row['event']}, {season}, {status}"
    earlier = row
    shift = season - int(earlier["match_year"])
    date = dt.date.fromisoformat(earlier["date"])
    moved = date.replace(year=date.year + shift)
    return moved, (
        f"{earlier['event']}: the {earlier['match_year']} date moved forward "
        f"{shift} year(s); not published for {season}"
    )


def calendar_row(
    services: Services,
    season: int,
    keep: Callable[[Mapping[str, str]], bool],
    later: bool = False,
) -> tuple[Mapping[str, str], bool] | None:
    """The dated calendar row kept by `keep` for the season (exact: True), else the latest
    earlier season's (False), else, with `later`, the earliest later one's (False)."""
    rows = [r for r in services.dataset.rows("calendar") if keep(r) and r["date"]]
    exact = [r for r in rows if int(r["match_year"]) == season]
    if exact:
        return exact[0], True
    earlier = [r for r in rows if int(r["match_year"]) < season]
    if earlier:
        return max(earlier, key=lambda r: int(r["match_year"])), False
    if later and rows:
        return min(rows, key=lambda r: int(r["match_year"])), False
    return None
