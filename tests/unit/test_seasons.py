from __future__ import annotations

import datetime as dt

import pytest

from smartpick.core.seasons import check_season, default_season, fee_tiers, pick, signal_rule
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


def fee(season: str, low: str, high: str, amount: str) -> dict[str, str]:
    return {"season": season, "from_count": low, "to_count": high, "amount_usd": amount}


def test_fee_tiers_take_the_latest_season_and_fill_missing_upper_tiers() -> None:
    rows = [
        fee("2026", "1", "30", "11"),
        fee("2026", "31", "", "30"),
        fee("2027", "1", "30", "11"),
        fee("2024", "1", "10", "99"),
    ]
    tiers = [(r["season"], r["from_count"], d.status) for r, d in fee_tiers(rows, 2028)]
    assert tiers == [
        ("2027", "1", "carried over from 2027"),
        ("2026", "31", "carried over from 2026"),
    ]


def test_fee_tiers_of_a_published_season_are_published() -> None:
    rows = [fee("2026", "1", "30", "11"), fee("2026", "31", "", "30")]
    assert [d.status for _, d in fee_tiers(rows, 2026)] == ["published", "published"]


SIGNALS = [
    {"season": "2025", "specialty_key": "urology", "service": "AUA/SAU", "gold": "",
     "silver": "", "single_tier": "", "source": "s", "confidence": "primary"},
    {"season": "2026", "specialty_key": "urology", "service": "ERAS", "gold": "",
     "silver": "", "single_tier": "30", "source": "s", "confidence": "primary"},
    {"season": "2026", "specialty_key": "dermatology", "service": "ERAS", "gold": "3",
     "silver": "25", "single_tier": "", "source": "s", "confidence": "primary"},
]  # fmt: skip


def test_a_signal_rule_follows_the_season() -> None:
    rule = signal_rule(SIGNALS, "urology", 2025)
    assert (
        rule is not None and rule.service == "AUA/SAU" and rule.summary == "signals not published"
    )
    rule = signal_rule(SIGNALS, "urology", 2026)
    assert rule is not None and rule.service == "ERAS" and rule.summary == "30 signals"
    assert rule.dated.published


def test_a_later_season_carries_the_rule_over_and_says_so() -> None:
    rule = signal_rule(SIGNALS, "dermatology", 2028)
    assert rule is not None and rule.summary == "3 gold + 25 silver"
    assert rule.dated.status == "carried over from 2026"


def test_a_specialty_no_season_lists_has_no_rule() -> None:
    assert signal_rule(SIGNALS, "pathology", 2026) is None


def test_a_projected_date_keeps_its_weekday() -> None:
    import datetime as dt

    from smartpick.services.calendar import project

    # ResidencyCAS released applications on Wednesday 2025-10-01; Match Day is a Friday.
    assert project(dt.date(2025, 10, 1), 2) == dt.date(2027, 9, 29)
    assert project(dt.date(2027, 3, 19), 1) == dt.date(2028, 3, 17)
    assert project(dt.date(2024, 2, 29), 1).weekday() == dt.date(2024, 2, 29).weekday()
    for years in range(1, 8):
        moved = project(dt.date(2026, 9, 23), years)
        assert moved.weekday() == 2 and abs((moved - dt.date(2026 + years, 9, 23)).days) <= 3
