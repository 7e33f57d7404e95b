"""The SOAP after the Match (core.match.soap): only positions left unfilled, only applicants
left unmatched, and no program over its positions."""

from __future__ import annotations

import numpy as np
import pytest

from smartpick.core.match.soap import (
    CONSIDERATION_BOUNDS,
    SoapLists,
    consideration_for,
    soap_lists,
    soap_round,
)


def _lists(
    seed: int, n: int = 400, programs: int = 60
) -> tuple[SoapLists, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    match = np.where(rng.random(n) < 0.7, rng.integers(0, programs, n), -1).astype(np.int32)
    free = np.where(rng.random(programs) < 0.4, rng.integers(1, 4, programs), 0)
    types = rng.integers(0, 2, n)
    log_rate = rng.normal(-1.0, 0.5, (2, programs))
    log_rate[1, :10] = -np.inf  # type 1 cannot apply to the first ten programs
    lists = soap_lists(
        match < 0, types, rng.normal(0, 1, n), np.zeros(n), np.ones(n), free,
        log_rate, np.full((2, programs), -0.5), 8.0, rng,
    )  # fmt: skip
    return lists, free, match, types


@pytest.mark.parametrize("seed", range(5))
def test_the_soap_places_only_unmatched_applicants_in_unfilled_positions(seed: int) -> None:
    lists, free, match, _ = _lists(seed)
    assert set(lists.applicants.tolist()) == set(np.flatnonzero(match < 0).tolist())
    listed = lists.ranks >= 0
    assert (free[lists.ranks[listed]] > 0).all()
    for row in lists.ranks:  # drawn with replacement, kept once each, packed to the left
        kept = row[row >= 0]
        assert kept.size == np.unique(kept).size and (row[: kept.size] >= 0).all()
    placed = soap_round(lists, free, match)
    assert (placed[match >= 0] == -1).all()  # nobody matched in the Match takes part
    taken = np.bincount(placed[placed >= 0], minlength=free.size)
    assert (taken <= free).all()  # no program over its unfilled positions
    assert taken.sum() > 0
    for a in np.flatnonzero(placed >= 0):  # each placement is on the applicant's own list
        row = np.flatnonzero(lists.applicants == a)[0]
        assert placed[a] in lists.ranks[row]


def test_a_type_applies_only_where_it_can_and_at_most_45_times() -> None:
    lists, _, _, types = _lists(9)
    rows = types[lists.applicants] == 1
    assert ((lists.ranks[rows] < 0) | (lists.ranks[rows] >= 10)).all()
    assert lists.ranks.shape[1] <= 45


def test_the_soap_refuses_lists_it_cannot_hold() -> None:
    lists = SoapLists(np.array([0]), np.array([[1]], np.int32), np.array([[0]], np.int32))
    with pytest.raises(ValueError, match="matched in the Match"):
        soap_round(lists, np.array([1, 1]), np.array([0, -1]))
    with pytest.raises(ValueError, match="without unfilled positions"):
        soap_round(lists, np.array([1, 0]), np.array([-1, -1]))


def _considered(consideration: float, seed: int = 3) -> tuple[SoapLists, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n, programs = 600, 50
    match = np.where(rng.random(n) < 0.6, rng.integers(0, programs, n), -1).astype(np.int32)
    free = np.where(rng.random(programs) < 0.5, rng.integers(1, 5, programs), 0)
    types = np.zeros(n, dtype=np.int64)
    log_rate = rng.normal(-1.0, 0.5, (1, programs))
    draws = np.random.default_rng(seed + 1)  # the SOAP's own stream, the same at every value
    lists = soap_lists(
        match < 0, types, rng.normal(0, 1, n), np.zeros(n), np.ones(n), free, log_rate,
        np.full((1, programs), -6.0), 4.0, draws, consideration,
    )  # fmt: skip
    return lists, free, match


def _pairs(lists: SoapLists) -> set[tuple[int, int]]:
    rows, cols = np.nonzero(lists.ranks >= 0)
    return set(zip(lists.applicants[rows].tolist(), lists.ranks[rows, cols].tolist(), strict=True))


def test_a_wider_consideration_only_adds_applications_and_places_more() -> None:
    narrow, free, match = _considered(1.0)
    wide, _, _ = _considered(3.0)
    assert _pairs(narrow) < _pairs(wide)
    for lists in (narrow, wide):  # packed: no gap before a program on any list
        listed = lists.ranks >= 0
        assert (listed[:, 1:] <= listed[:, :-1]).all()
        assert ((lists.rank_of >= 0) == listed).all()
    placed = [int((soap_round(x, free, match) >= 0).sum()) for x in (narrow, wide)]
    assert placed[0] < placed[1] <= int(free.sum())


def test_the_consideration_is_found_from_the_share_it_fills() -> None:
    def share_at(consideration: float) -> float:
        lists, free, match = _considered(consideration)
        return float((soap_round(lists, free, match) >= 0).sum() / free.sum())

    wanted = share_at(2.5)
    found, reached = consideration_for(share_at, wanted)
    assert reached == pytest.approx(wanted, abs=0.02)
    assert found == pytest.approx(2.5, abs=0.5)
    # a share out of reach gets the bound, and says what it reaches there
    high, reached_high = consideration_for(share_at, 1.01)
    assert high == CONSIDERATION_BOUNDS[1] and reached_high <= 1.0
