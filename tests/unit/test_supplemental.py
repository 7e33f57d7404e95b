"""Advanced positions with supplemental PGY-1 lists (core.match.supplemental)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartpick.core.match.supplemental import (
    SupplementalList,
    match_supplemental_lists,
    match_with_supplemental,
    positions_used,
)

# Programs: 0 advanced A, 1 categorical C, 2 preliminary P1, 3 transitional P2
ADVANCED = [True, False, False, False]


def test_an_advanced_match_brings_the_best_pgy1_program_that_takes_the_applicant() -> None:
    # Applicant 0 ranks A then C, with P1 then P2 as supplemental; applicant 1 wants P1 only,
    # and P1 prefers applicant 1: applicant 0 gets A with P2.
    ranks = [[0, 1], [2, -1]]
    rank_of = [[0, 0], [0, -1]]
    result = match_with_supplemental(
        ranks, rank_of, [1, 1, 1, 1], ADVANCED, {0: SupplementalList([2, 3], [1, 0])}
    )
    assert result.stable and not result.hit_guard
    assert result.match.tolist() == [0, 2]
    assert result.pgy1.tolist() == [3, -1]


def test_the_advanced_position_without_any_pgy1_position_when_none_takes_the_applicant() -> None:
    ranks = [[0, -1], [2, -1]]
    rank_of = [[0, -1], [0, -1]]
    # P1 has one position and prefers applicant 1; P2 did not rank applicant 0
    result = match_with_supplemental(
        ranks, rank_of, [1, 1, 1, 1], ADVANCED, {0: SupplementalList([2, 3], [1, -1])}
    )
    assert result.match.tolist() == [0, 2] and result.pgy1.tolist() == [-1, -1]


def test_losing_the_advanced_position_releases_the_pgy1_position() -> None:
    # Applicant 1 (no supplemental list) is preferred by A; applicant 0 falls to C, and P1,
    # which it held for the PGY-1 year, goes to applicant 2 who wanted it.
    ranks = [[0, 1], [0, -1], [2, -1]]
    rank_of = [[1, 0], [0, -1], [1, -1]]
    result = match_with_supplemental(
        ranks, rank_of, [1, 1, 1, 1], ADVANCED, {0: SupplementalList([2], [0])}
    )
    assert result.stable
    assert result.match.tolist() == [1, 0, 2]
    assert result.pgy1.tolist() == [-1, -1, -1]


def test_bad_supplemental_lists_are_refused_with_a_message() -> None:
    ranks, rank_of, caps = [[0, 1]], [[0, 0]], [1, 1, 1, 1]
    with pytest.raises(ValueError, match="PGY-1 programs only"):
        match_with_supplemental(ranks, rank_of, caps, ADVANCED, {0: SupplementalList([0], [0])})
    with pytest.raises(ValueError, match="one rank per supplemental program"):
        match_with_supplemental(ranks, rank_of, caps, ADVANCED, {0: SupplementalList([2], [])})
    with pytest.raises(ValueError, match="one per program"):
        match_with_supplemental(ranks, rank_of, caps, [True], {})
    with pytest.raises(ValueError, match="there are 1 applicants"):
        match_with_supplemental(ranks, rank_of, caps, ADVANCED, {5: SupplementalList([2], [0])})


@st.composite
def markets(draw: st.DrawFn) -> tuple:  # type: ignore[type-arg]
    n = draw(st.integers(1, 6))
    m = draw(st.integers(2, 5))
    advanced = draw(st.lists(st.booleans(), min_size=m, max_size=m))
    pgy1 = [j for j in range(m) if not advanced[j]]
    caps = draw(st.lists(st.integers(0, 2), min_size=m, max_size=m))
    prefs = [draw(st.permutations(range(n))) for _ in range(m)]  # each program's order
    ranks, rank_of, sup = [], [], {}
    for a in range(n):
        listed = draw(st.lists(st.integers(0, m - 1), unique=True, max_size=m))
        ranks.append(listed + [-1] * (m - len(listed)))
        rank_of.append([prefs[j].index(a) for j in listed] + [-1] * (m - len(listed)))
        if pgy1 and any(advanced[j] for j in listed) and draw(st.booleans()):
            extra = draw(st.lists(st.sampled_from(pgy1), unique=True, max_size=len(pgy1)))
            sup[a] = SupplementalList(extra, [prefs[p].index(a) for p in extra])
    return ranks, rank_of, caps, advanced, sup


@settings(max_examples=150, deadline=None)
@given(market=markets())
def test_every_result_keeps_the_rules_of_supplemental_lists(market: tuple) -> None:  # type: ignore[type-arg]
    ranks, rank_of, caps, advanced, sup = market
    result = match_with_supplemental(ranks, rank_of, caps, advanced, sup)
    used = positions_used(result, len(caps))
    assert (used <= np.array(caps)).all()  # PGY-1 positions count against capacity
    for a, (main, pgy1) in enumerate(zip(result.match, result.pgy1, strict=True)):
        if main >= 0:
            assert main in ranks[a]
        if pgy1 >= 0:
            assert advanced[main] and a in sup and pgy1 in sup[a].programs
        if a not in sup or main < 0 or not advanced[main]:
            assert pgy1 == -1
    if not result.stable:
        assert result.hit_guard  # never hidden
        return
    # Stable: no applicant without a supplemental list would rather have a program that
    # has a free position or holds someone it ranks below them (PGY-1 stand-ins included)
    held: dict[int, list[int]] = {}
    for a, main in enumerate(result.match):
        if main >= 0:
            held.setdefault(int(main), []).append(rank_of[a][ranks[a].index(main)])
    for a, p in enumerate(result.pgy1):
        if p >= 0:
            held.setdefault(int(p), []).append(sup[a].rank_of[list(sup[a].programs).index(p)])
    for a in range(len(ranks)):
        if a in sup:
            continue
        listed = [j for j in ranks[a] if j >= 0]
        better = listed if result.match[a] < 0 else listed[: listed.index(result.match[a])]
        for j in better:
            mine = rank_of[a][ranks[a].index(j)]
            if mine < 0:
                continue  # the program did not rank them
            holders = held.get(j, [])
            assert not (len(holders) < caps[j] or any(r > mine for r in holders)), (a, j)


def _as_arrays(ranks: list, rank_of: list, sup: dict) -> tuple:  # type: ignore[type-arg]
    """The national form of a small market: supplemental lists as padded arrays."""
    width = max([len(s.programs) for s in sup.values()], default=0) or 1
    sup_ranks = np.full((len(ranks), width), -1, dtype=np.int32)
    sup_rank_of = np.full((len(ranks), width), -1, dtype=np.int32)
    for a, s in sup.items():
        sup_ranks[a, : len(s.programs)] = s.programs
        sup_rank_of[a, : len(s.programs)] = s.rank_of
    return np.array(ranks), np.array(rank_of), sup_ranks, sup_rank_of


@settings(max_examples=150, deadline=None)
@given(market=markets())
def test_the_national_form_gives_the_couples_form_s_stable_result(market: tuple) -> None:  # type: ignore[type-arg]
    ranks, rank_of, caps, advanced, sup = market
    r, q, sr, sq = _as_arrays(ranks, rank_of, sup)
    fast = match_supplemental_lists(r, q, caps, advanced, sr, sq)
    slow = match_with_supplemental(ranks, rank_of, caps, advanced, sup)
    used = np.bincount(
        np.concatenate([fast.match[fast.match >= 0], fast.pgy1[fast.pgy1 >= 0]]),
        minlength=len(caps),
    )
    assert (used <= np.array(caps)).all()
    for a, (main, pgy1) in enumerate(zip(fast.match, fast.pgy1, strict=True)):
        if pgy1 >= 0:
            assert advanced[main] and pgy1 in sup[a].programs
    # Not settled: the advanced matches cycle with the PGY-1 stand-ins (a stable matching
    # may not exist), and the result says so, as the couples form does
    if fast.settled and slow.stable:
        assert fast.match.tolist() == slow.match.tolist()
        assert fast.pgy1.tolist() == slow.pgy1.tolist()


def test_the_national_form_matches_thousands_of_applicants_quickly() -> None:
    """Supplemental lists at national scale: 20,000 applicants, 2,000 advanced with
    supplemental lists of 8, in a fraction of a second."""
    import time

    rng = np.random.default_rng(1)
    n, m, width = 20_000, 3_000, 10
    advanced = np.zeros(m, dtype=bool)
    advanced[:200] = True  # programs 0-199 advanced, 2,600-2,999 PGY-1 years
    pgy1 = np.arange(2_600, m)
    ranks = np.full((n, width), -1, dtype=np.int32)
    for a in range(n):
        pool = np.arange(200) if a < 2_000 else np.arange(200, 2_600)
        ranks[a] = rng.choice(pool, width, replace=False)
    rank_of = rng.integers(0, 50, ranks.shape).astype(np.int32)
    sup_ranks = np.full((n, 8), -1, dtype=np.int32)
    sup_ranks[:2_000] = np.array([rng.choice(pgy1, 8, replace=False) for _ in range(2_000)])
    sup_rank_of = np.where(sup_ranks >= 0, rng.integers(0, 50, sup_ranks.shape), -1)
    caps = np.full(m, 7, dtype=np.int32)
    start = time.perf_counter()
    result = match_supplemental_lists(ranks, rank_of, caps, advanced, sup_ranks, sup_rank_of)
    assert time.perf_counter() - start < 2.0
    assert result.settled
    held = result.match[:2_000]
    has_pgy1 = result.pgy1 >= 0
    assert (has_pgy1 <= ((result.match >= 0) & advanced[np.maximum(result.match, 0)])).all()
    assert has_pgy1[:2_000].sum() > 0 and not has_pgy1[2_000:].any()
    used = np.bincount(
        np.concatenate([result.match[result.match >= 0], result.pgy1[has_pgy1]]), minlength=m
    )
    assert (used <= caps).all() and (held >= 0).sum() > 0
