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


@dataclass(frozen=True)
class SignalRule:
    """A specialty's application service and signals for a season, with how we know."""

    specialty_key: str
    service: str
    gold: int | None
    silver: int | None
    single_tier: int | None
    dated: Dated
    source: str
    confidence: str
    # Other rows for the same season that disagree, as "<summary> (<source's wording>)".
    alternatives: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        return _summary(self.gold, self.silver, self.single_tier)


def _summary(gold: int | None, silver: int | None, single: int | None) -> str:
    if gold is not None or silver is not None:
        return f"{gold or 0} gold + {silver or 0} silver"
    if single:
        return f"{single} signals"
    if single == 0:
        return "no signals"
    return "signals not published"


def _int(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


_CONFIDENCE = {"primary": 0, "secondary": 1, "unverified": 2}


def signal_rule(
    rows: Sequence[Mapping[str, str]], specialty_key: str, season: int
) -> SignalRule | None:
    """The latest published rule for the specialty at or before `season`, marked as carried
    over when it is older than the season; None when no season lists the specialty."""
    mine = [r for r in rows if r["specialty_key"] == specialty_key]
    chosen, dated = pick(mine, season, {i: int(r["season"]) for i, r in enumerate(mine)})
    if not chosen:
        return None
    # Where a season has several rows, a row naming this specialty alone beats a row for a
    # group of specialties, then the stronger confidence wins; the others are reported.
    chosen.sort(key=lambda r: (r.get("from_group") == "true", _CONFIDENCE.get(r["confidence"], 3)))
    row = chosen[0]
    summary = _summary(_int(row["gold"]), _int(row["silver"]), _int(row["single_tier"]))
    others = [
        f"{_summary(_int(r['gold']), _int(r['silver']), _int(r['single_tier']))} "
        f"({r.get('source_specialty', '')})"
        for r in chosen[1:]
        if _summary(_int(r["gold"]), _int(r["silver"]), _int(r["single_tier"])) != summary
    ]
    return SignalRule(
        specialty_key=specialty_key,
        service=row["service"] or "not stated",
        gold=_int(row["gold"]),
        silver=_int(row["silver"]),
        single_tier=_int(row["single_tier"]),
        dated=dated,
        source=row["source"],
        confidence=row["confidence"],
        alternatives=tuple(others),
    )


def fee_tiers(
    rows: Sequence[Mapping[str, str]], season: int
) -> list[tuple[Mapping[str, str], Dated]]:
    """The latest season's tiers; where it lacks the upper tiers, those of earlier seasons,
    each with its own status (a fee page seen in part leaves a tier unpublished)."""
    out: list[tuple[Mapping[str, str], Dated]] = []
    covered = 0
    remaining = list(rows)
    while remaining:
        chosen, dated = pick(
            remaining, season, {i: int(r["season"]) for i, r in enumerate(remaining)}
        )
        if not chosen:
            break
        higher = [r for r in chosen if int(r["from_count"] or 1) > covered]
        out += [(r, dated) for r in higher]
        if not higher or any(r["to_count"] == "" for r in higher):
            break
        covered = max(int(r["to_count"]) for r in higher)
        remaining = [r for r in remaining if int(r["season"]) < dated.value_season]
    return out


def user_date(text: str, field: str, what: str, example: str) -> dt.date:
    """A date a user typed (YYYY-MM-DD), or an InputError on `field` that says what is wrong
    with `what` and shows `example`."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"{what} '{text}' is not a date",
            field=field,
            hint=f"Write it as YYYY-MM-DD, e.g. {example}.",
        ) from None
