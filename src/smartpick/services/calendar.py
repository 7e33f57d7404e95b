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


def releases_mspe(row: Mapping[str, str]) -> bool:
    """The ERAS review date that the AAMC's timeline gives for the applications and the MSPEs
    together (the MSPE goes out then)."""
    eras_review = row["service"] == "ERAS" and row["event_key"] == "review_opens"
    return eras_review and "MSPE" in row["event"]


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
    moved = project(dt.date.fromisoformat(earlier["date"]), shift)
    return moved, (
        f"{earlier['event']}: the {earlier['match_year']} date moved forward "
        f"{shift} year(s) to the same weekday; not published for {season}"
    )


def project(date: dt.date, years: int) -> dt.date:
    """A date moved forward by whole years to the nearest day of the same weekday: the
    services set their dates by weekday (ERAS and ResidencyCAS release on Wednesdays, the
    NRMP's Match Day is a Friday), so a projection keeps it."""
    try:
        moved = date.replace(year=date.year + years)
    except ValueError:  # 29 February
        moved = date.replace(year=date.year + years, day=28)
    delta = (date.weekday() - moved.weekday() + 3) % 7 - 3
    return moved + dt.timedelta(days=delta)


# The services whose missing events a season's calendar projects from the latest earlier
# season that has them (issue 14): the NRMP's deadlines and ResidencyCAS's dates.
PROJECTED_SERVICES = ("NRMP", "ResidencyCAS")
MSPE_EVENT = "MSPEs released to programs with the applications"


def season_calendar(services: Services, season: int) -> list[dict[str, str]]:
    """The season's dated events: its own rows; the NRMP and ResidencyCAS events it lacks,
    projected from the latest earlier season that has them (marked projected, unverified);
    and the MSPE on the ERAS review date where the AAMC timeline says MSPEs go with the
    applications (an older 'MSPE release' row is then left out as superseded)."""
    rows = [dict(r) for r in services.dataset.rows("calendar") if r["date"]]
    mine = [r for r in rows if int(r["match_year"]) == season]
    have = {_key(r) for r in mine}
    for service in PROJECTED_SERVICES:
        years = [int(r["match_year"]) for r in rows if r["service"] == service]
        earlier = [y for y in years if y < season]
        if not earlier:
            continue
        latest, shift = max(earlier), season - max(earlier)
        # Events without a key are named differently from year to year ('SOAP offer rounds',
        # 'SOAP offer round 1'): they are projected only into a season that has none.
        unkeyed = any(r["service"] == service and not r["event_key"] for r in mine)
        for r in rows:
            if r["service"] != service or int(r["match_year"]) != latest or _key(r) in have:
                continue
            if unkeyed and not r["event_key"]:
                continue
            mine.append(
                {
                    **r,
                    "match_year": str(season),
                    "date": project(dt.date.fromisoformat(r["date"]), shift).isoformat(),
                    "projected": "true",
                    "notes": f"projection: the {latest} date moved forward {shift} year(s) to "
                    "the same weekday",
                    "source": f"projection from the {latest} row ({r['source']})",
                    "confidence": "unverified",
                }
            )
    mspe = calendar_row(services, season, releases_mspe)
    review = next(
        (r for r in mine if r["service"] == "ERAS" and r["event_key"] == "review_opens"), None
    )
    if mspe is not None and review is not None:
        mine = [r for r in mine if r["event_key"] != "mspe_release"]
        mine.append(
            {
                **review,
                "event": MSPE_EVENT,
                "event_key": "mspe_release",
                "notes": f"the AAMC ERAS timeline releases applications and MSPEs together "
                f"('{mspe[0]['event']}', {mspe[0]['match_year']})",
                "source": f"{review['source']} ; {mspe[0]['source']}",
                "confidence": _lower(review["confidence"], mspe[0]["confidence"]),
            }
        )
    mine.sort(key=lambda r: (r["date"], r["service"], r["event"]))
    return mine


def _key(row: Mapping[str, str]) -> tuple[str, str]:
    return row["service"], row["event_key"] or row["event"]


def _lower(a: str, b: str) -> str:
    order = ("primary", "secondary", "unverified")
    return max(a, b, key=lambda c: order.index(c) if c in order else len(order))


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
