from __future__ import annotations

import datetime as dt

import pytest

from smartpick.core.seasons import check_season, default_season, pick
from smartpick.errors import InputError

CALENDAR = [
    {"match_year": "2027", "service": "ERAS", "event_key": "service_opens", "date": "2026-06-03"},
    {"match_year": "2028", "service": "ERAS", "event_key": "service_opens", "date": "2027-06-02"},
    {"match_year": "2028", "service": "NRMP", "event_key": "match_day", "date": "2028-03-17"},
]


@pytest.mark.parametrize(
    ("today", "season"),
    [
        (dt.date(2026, 5, 1), 2027),  # ERAS for the 2027 Match has not opened yet
        (dt.date(2026, 6, 3), 2028),  # it opens today: plan for the next one
        (dt.date(2026, 11, 25), 2028),
        (dt.date(2027, 6, 2), 2029),  # past the calendar: June rule
        (dt.date(2027, 3, 1), 2028),
    ],
)
def test_the_default_season_is_the_next_match_not_yet_open(today: dt.date, season: int) -> None:
    assert default_season(CALENDAR, today) == season


def test_a_season_outside_the_known_range_is_refused() -> None:
    with pytest.raises(InputError, match="outside"):
        check_season(1999)
    assert check_season(2028) == 2028


def test_a_value_missing_for_a_season_is_carried_over_and_marked() -> None:
    rows = ["2026 value", "2027 value"]
    chosen, dated = pick(rows, 2028, {0: 2026, 1: 2027})
    assert chosen == ["2027 value"]
    assert dated.value_season == 2027 and not dated.published
    assert dated.status == "carried over from 2027"


def test_a_published_value_is_marked_published() -> None:
    chosen, dated = pick(["a", "b"], 2026, {0: 2026, 1: 2027})
    assert chosen == ["a"] and dated.published


def test_no_value_before_the_season_is_not_published() -> None:
    chosen, dated = pick(["a"], 2024, {0: 2026})
    assert chosen == [] and dated.status == "not published"
