"""The Match mechanism (core.match.acceptance) against oracles (METHODS §5.1): the
`matching` library's resident-optimal solver, brute-force enumeration of every matching on
tiny markets (with and without couples), and the stability checker on planted faults."""

from __future__ import annotations

import itertools
import sys
import threading
import warnings

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from smartpick.core.match import acceptance as core_match
from smartpick.core.match.acceptance import (
    deferred_acceptance,
    deferred_acceptance_lists,
    rank_of_from_dense,
)
from smartpick.core.match.couples import (
    Couples,
    check_stability,
    is_stable,
    match_with_couples,
)

Instance = tuple[np.ndarray, np.ndarray, np.ndarray]


def dense_market(seed: int, applicants: int, programs: int, ranks: int) -> Instance:
    """(applicant_ranks, program_ranks, capacities): lists of random length with -1 padding,
    programs that leave some applicants unranked, some programs with no positions."""
    rng = np.random.default_rng(seed)
    lists = np.full((applicants, ranks), -1, np.int32)
    for a in range(applicants):
        length = rng.integers(0, min(ranks, programs) + 1)
        lists[a, :length] = rng.choice(programs, length, replace=False)
    table = np.argsort(rng.random((programs, applicants)), axis=1).astype(np.int32)
    table[rng.random(table.shape) < 0.15] = -1
    capacities = rng.integers(0, 4, programs).astype(np.int32)
    return lists, table, capacities


def library_match(lists: np.ndarray, rank_of: np.ndarray, capacities: np.ndarray) -> np.ndarray:
    """The `matching` library's resident-optimal matching. It wants mutually acceptable lists
    (a program ranks exactly who ranks it), no empty list and no program without positions;
    it deep-copies its players recursively, so it runs in a thread with a deep stack."""
    resident_prefs: dict[int, list[int]] = {}
    entries: dict[int, list[tuple[int, int]]] = {}
    for a, k in zip(*np.nonzero((lists >= 0) & (rank_of >= 0)), strict=True):
        p = int(lists[a, k])
        if capacities[p] > 0:
            resident_prefs.setdefault(int(a), []).append(p)
            entries.setdefault(p, []).append((int(rank_of[a, k]), int(a)))
    hospital_prefs = {p: [a for _, a in sorted(ranked)] for p, ranked in entries.items()}
    solved: list[dict[object, list[object]]] = []

    def solve() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            game = HospitalResident.create_from_dictionaries(
                resident_prefs, hospital_prefs, {p: int(capacities[p]) for p in hospital_prefs}
            )
            solved.append(game.solve(optimal="resident"))

    limit, stack = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(200_000)
    threading.stack_size(256 * 1024 * 1024)
    try:
        thread = threading.Thread(target=solve)
        thread.start()
        thread.join()
    finally:
        sys.setrecursionlimit(limit)
        threading.stack_size(stack)
    result = np.full(lists.shape[0], -1, np.int32)
    for hospital, residents in solved[0].items():
        for resident in residents:
            result[resident.name] = hospital.name  # type: ignore[attr-defined]
    return result


def national_like(seed: int, applicants: int) -> Instance:
    """A sparse-form market shaped like the national one: popular and less popular programs,
    programs ranking by applicant strength plus noise."""
    rng = np.random.default_rng(seed)
    programs = applicants // 7
    weight = rng.lognormal(0.0, 1.0, programs)
    lists = np.array(
        [
            rng.choice(programs, 12, replace=False, p=weight / weight.sum())
            for _ in range(applicants)
        ],
        np.int32,
    )
    score = rng.normal(size=applicants)[:, None] + rng.normal(size=lists.shape)
    rank_of = np.empty(lists.shape, np.int32)
    for p in range(programs):
        rows, cols = np.nonzero(lists == p)
        order = np.argsort(-score[rows, cols])
        rank_of[rows[order], cols[order]] = np.arange(rows.size)
    return lists, rank_of, 1 + rng.poisson(5.0, programs).astype(np.int32)


# Deferred acceptance against the `matching` library and the checker


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), applicants=st.integers(1, 40), programs=st.integers(1, 8))
def test_deferred_acceptance_equals_the_matching_library(
    seed: int, applicants: int, programs: int
) -> None:
    lists, table, capacities = dense_market(seed, applicants, programs, 5)
    ours = deferred_acceptance(lists, table, capacities)
    rank_of = rank_of_from_dense(lists, table)
    np.testing.assert_array_equal(ours, library_match(lists, rank_of, capacities))
    stability = check_stability(lists, rank_of, capacities, ours)
    assert stability.stable, stability
    assert (np.bincount(ours[ours >= 0], minlength=programs) <= capacities).all()
    for a, p in enumerate(ours):  # matched only where both ranked
        assert p < 0 or (p in lists[a] and table[p, a] >= 0)


@pytest.mark.parametrize(("seed", "applicants"), [(1, 500), (2, 2_500)])
def test_deferred_acceptance_equals_the_matching_library_with_thousands(
    seed: int, applicants: int
) -> None:
    lists, rank_of, capacities = national_like(seed, applicants)
    ours = deferred_acceptance_lists(lists, rank_of, capacities)
    np.testing.assert_array_equal(ours, library_match(lists, rank_of, capacities))
    assert is_stable(lists, rank_of, capacities, ours)
    assert 0 < (ours >= 0).sum() <= capacities.sum()


def stable_by_enumeration(
    lists: np.ndarray, table: np.ndarray, capacities: np.ndarray
) -> list[tuple[int, ...]]:
    """Every stable matching of a tiny market of singles, by trying every matching."""
    found = []
    options = [
        [-1, *[int(p) for p in row if p >= 0 and table[p, a] >= 0]] for a, row in enumerate(lists)
    ]
    rank_of = rank_of_from_dense(lists, table)
    for candidate in itertools.product(*options):
        match = np.array(candidate, np.int32)
        if (
            np.bincount(match[match >= 0], minlength=capacities.size) <= capacities
        ).all() and is_stable(lists, rank_of, capacities, match):
            found.append(candidate)
    return found


@pytest.mark.parametrize("seed", range(40))
def test_deferred_acceptance_is_best_for_every_applicant_among_stable_matchings(seed: int) -> None:
    lists, table, capacities = dense_market(seed, 6, 3, 3)
    ours = deferred_acceptance(lists, table, capacities)
    stable = stable_by_enumeration(lists, table, capacities)
    assert tuple(ours) in stable

    def position(a: int, p: int) -> int:
        return list(lists[a]).index(p) if p >= 0 else lists.shape[1]

    for other in stable:
        assert all(position(a, ours[a]) <= position(a, p) for a, p in enumerate(other))


def test_checker_finds_a_planted_blocking_pair() -> None:
    lists = np.array([[0, 1], [0, 1]], np.int32)
    table = np.array([[0, 1], [0, 1]], np.int32)  # both programs prefer applicant 0
    capacities = np.array([1, 1], np.int32)
    rank_of = rank_of_from_dense(lists, table)
    assert deferred_acceptance(lists, table, capacities).tolist() == [0, 1]
    swapped = check_stability(lists, rank_of, capacities, np.array([1, 0], np.int32))
    assert swapped.blocking_pairs == [(0, 0)] and not swapped.stable


@pytest.mark.parametrize("seed", range(5))
def test_checker_finds_the_blocking_pair_left_by_removing_an_applicant(seed: int) -> None:
    lists, rank_of, capacities = national_like(seed, 700)
    match = deferred_acceptance_lists(lists, rank_of, capacities)
    a = int(np.flatnonzero(match >= 0)[seed])
    planted = match.copy()
    planted[a] = -1
    assert (a, int(match[a])) in check_stability(lists, rank_of, capacities, planted).blocking_pairs


def test_checker_reports_programs_over_their_positions_and_unranked_matches() -> None:
    lists = np.array([[0, -1], [0, 1], [1, -1]], np.int32)
    table = np.array([[0, 1, -1], [-1, 1, 0]], np.int32)  # program 1 did not rank applicant 0
    rank_of = rank_of_from_dense(lists, table)
    report = check_stability(
        lists, rank_of, np.array([1, 1], np.int32), np.array([0, 0, 1], np.int32)
    )
    assert report.over_capacity == [0] and report.unacceptable == []
    report = check_stability(
        lists, rank_of, np.array([2, 1], np.int32), np.array([1, 0, -1], np.int32)
    )
    assert report.unacceptable == [0]  # applicant 0 did not list program 1, nor did it rank them


def test_an_unranked_applicant_never_matches_there_even_with_positions_free() -> None:
    lists = np.array([[0, 1, -1], [-1, -1, -1], [1, 0, -1]], np.int32)
    table = np.array([[-1, 0, 1], [-1, 0, -1]], np.int32)
    result = deferred_acceptance(lists, table, np.array([5, 5], np.int32))
    assert result.tolist() == [-1, -1, 0]  # 0 ranked by no one; 1 lists nothing; 2 unranked by 1


def test_equal_ranks_go_to_the_lower_applicant_index() -> None:
    lists = np.array([[0], [0], [0]], np.int32)
    rank_of = np.array([[3], [0], [0]], np.int32)
    result = deferred_acceptance_lists(lists, rank_of, np.array([1], np.int32))
    assert result.tolist() == [-1, 0, -1]


def test_dense_and_sparse_forms_agree_and_accept_any_integer_dtype() -> None:
    lists, table, capacities = dense_market(7, 300, 20, 6)
    dense = deferred_acceptance(lists.astype(np.int64), table.astype(np.int16), capacities)
    sparse = deferred_acceptance_lists(
        lists, rank_of_from_dense(lists, table), capacities.astype(np.uint8)
    )
    assert dense.dtype == np.int32 and (dense == sparse).all()


GOOD = (
    np.array([[0, 1], [1, -1]], np.int32),
    np.array([[0, 1], [0, -1]], np.int32),
    np.array([1, 1], np.int32),
)


@pytest.mark.parametrize(
    ("which", "bad", "message"),
    [
        (0, np.array([[0.0, 1.0], [1.0, -1.0]]), "applicant_ranks must hold integers"),
        (0, np.array([0, 1]), "applicant_ranks must have 2 dimension"),
        (0, np.array([[0, 2], [1, -1]]), "above the largest allowed value 1"),
        (0, np.array([[0, 1], [-2, -1]]), "below the smallest allowed value -1"),
        (0, np.array([[0, 1], [-1, 1]]), "applicant 1's list has a program after its -1 padding"),
        (0, np.array([[0, 0], [1, -1]]), "applicant 0's list names a program twice"),
        (1, np.array([[0, 1]]), "one program rank per list entry"),
        (1, np.array([[0, 1], [0, -7]]), "rank_of has -7"),
        (2, np.array([1, -1]), "capacities has -1, below"),
        (2, np.array([[1, 1]]), "capacities must have 1 dimension"),
    ],
)
def test_bad_input_gets_a_clear_message(which: int, bad: np.ndarray, message: str) -> None:
    args = list(GOOD)
    args[which] = bad
    with pytest.raises(ValueError, match=message):
        deferred_acceptance_lists(*args)


def test_a_dense_table_of_the_wrong_shape_gets_a_clear_message() -> None:
    lists, capacities = GOOD[0], GOOD[2]
    with pytest.raises(ValueError, match="3 rows for 2 programs"):
        deferred_acceptance(lists, np.zeros((3, 2), np.int32), capacities)
    with pytest.raises(ValueError, match="4 columns for 2 applicants"):
        deferred_acceptance(lists, np.zeros((2, 4), np.int32), capacities)


def test_without_a_writable_cache_the_engine_compiles_per_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plain = numba.njit

    def njit(*args: object, **kwargs: object) -> object:
        if kwargs.get("cache"):
            raise RuntimeError("cannot cache function: no locator available")
        return plain(*args, **kwargs)

    monkeypatch.setattr(numba, "njit", njit)

    def add(x: int, y: int) -> int:
        return x + y

    compiled = core_match._jit(add)
    assert compiled(2, 3) == 5 and hasattr(compiled, "py_func")


# Couples: a brute-force oracle on tiny markets


class Tiny:
    """A tiny market with couples in dense form: `table[p, a]` is program p's rank of a."""

    def __init__(
        self,
        lists: np.ndarray,
        table: np.ndarray,
        capacities: np.ndarray,
        members: list[tuple[int, int]],
        pairs: list[list[tuple[int, int]]],
    ) -> None:
        self.lists, self.table, self.capacities = lists, table, capacities
        self.members, self.pairs = members, pairs

    def args(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, Couples]:
        width = max(len(row) for row in self.pairs)
        pairs = np.full((len(self.pairs), width, 2), -1, np.int32)
        rank_of = np.full(pairs.shape, -1, np.int32)
        for c, row in enumerate(self.pairs):
            for k, pair in enumerate(row):
                pairs[c, k] = pair
                for side, p in enumerate(pair):
                    rank_of[c, k, side] = self.table[p, self.members[c][side]] if p >= 0 else -1
        couples = Couples(np.array(self.members, np.int32), pairs, rank_of)
        return self.lists, rank_of_from_dense(self.lists, self.table), self.capacities, couples

    def units(self) -> list[tuple[tuple[int, ...], list[tuple[int, ...]]]]:
        """Each single and couple: (its members, its list of entries, one program per member)."""
        partnered = {m for pair in self.members for m in pair}
        singles = [
            ((a,), [(int(p),) for p in row if p >= 0])
            for a, row in enumerate(self.lists)
            if a not in partnered
        ]
        return singles + [
            (tuple(m), list(row)) for m, row in zip(self.members, self.pairs, strict=True)
        ]

    def acceptable(self, members: tuple[int, ...], entry: tuple[int, ...]) -> bool:
        return all(p < 0 or self.table[p, m] >= 0 for m, p in zip(members, entry, strict=True))

    def matchings(self) -> list[np.ndarray]:
        """Every matching where everyone holds an acceptable entry of their list (or nothing)
        and no program is over its positions."""
        units = self.units()
        options = [
            [e for e in entries if self.acceptable(m, e)] + [(-1,) * len(m)] for m, entries in units
        ]
        found = []
        for choice in itertools.product(*options):
            match = np.full(self.lists.shape[0], -1, np.int32)
            for (members, _), entry in zip(units, choice, strict=True):
                match[list(members)] = entry
            if (
                np.bincount(match[match >= 0], minlength=self.capacities.size) <= self.capacities
            ).all():
                found.append(match)
        return found

    def takes(self, p: int, newcomers: list[int], kept: list[int], match: np.ndarray) -> bool:
        """Whether program p would take `newcomers`, keeping `kept`: the empty positions
        suffice, or some newcomers are each preferred to a distinct applicant it has now
        (not one kept), found by trying every choice."""
        holding = [int(a) for a in np.flatnonzero(match == p)]
        short = len(newcomers) - (int(self.capacities[p]) - len(holding))
        others = [a for a in holding if a not in kept]

        def prefers(a: int, b: int) -> bool:
            return bool((self.table[p, a], a) < (self.table[p, b], b))

        return short <= 0 or any(
            all(prefers(n, o) for n, o in zip(coming, dropped, strict=True))
            for dropped in itertools.combinations(others, short)
            for coming in itertools.permutations(newcomers, short)
        )

    def blocked(self, match: np.ndarray) -> bool:
        """The definition, written out: some single or couple prefers an entry of its list
        that each program of the entry would take it for."""
        for members, entries in self.units():
            now = tuple(int(match[m]) for m in members)
            better = entries[: entries.index(now)] if now in entries else entries
            for entry in better:
                if self.acceptable(members, entry) and all(
                    self.takes(
                        p,
                        [
                            m
                            for m, q in zip(members, entry, strict=True)
                            if q == p and match[m] != p
                        ],
                        [
                            m
                            for m, q in zip(members, entry, strict=True)
                            if q == p and match[m] == p
                        ],
                        match,
                    )
                    for p in set(entry) - {-1}
                ):
                    return True
        return False


def roth_example() -> Tiny:
    """No stable matching exists (Roth 1984; Klaus & Klijn 2005): a couple (0, 1) wants
    programs (0, 1) together or nothing; single 2 prefers 0 to 1; program 0 prefers the
    couple's 0 to 2, program 1 prefers 2 to the couple's 1; one position each."""
    lists = np.array([[-1, -1], [-1, -1], [0, 1]], np.int32)
    table = np.array([[0, -1, 1], [-1, 1, 0]], np.int32)
    return Tiny(lists, table, np.array([1, 1], np.int32), [(0, 1)], [[(0, 1)]])


def tiny_with_couples(seed: int) -> Tiny:
    rng = np.random.default_rng(seed)
    programs, singles, couples = (
        int(rng.integers(2, 4)),
        int(rng.integers(1, 4)),
        int(rng.integers(1, 3)),
    )
    applicants = singles + 2 * couples
    lists = np.full((applicants, programs), -1, np.int32)
    for a in range(singles):
        length = rng.integers(1, programs + 1)
        lists[a, :length] = rng.choice(programs, length, replace=False)
    table = np.argsort(rng.random((programs, applicants)), axis=1).astype(np.int32)
    table[rng.random(table.shape) < 0.1] = -1
    every_pair = [
        (p1, p2) for p1 in range(-1, programs) for p2 in range(-1, programs) if (p1, p2) != (-1, -1)
    ]
    pairs = []
    for _ in range(couples):
        chosen = rng.choice(len(every_pair), int(rng.integers(1, 5)), replace=False)
        pairs.append([every_pair[i] for i in chosen])
    members = [(singles + 2 * c, singles + 2 * c + 1) for c in range(couples)]
    return Tiny(lists, table, rng.integers(1, 3, programs).astype(np.int32), members, pairs)


def test_roths_market_has_no_stable_matching_and_the_match_says_so() -> None:
    market = roth_example()
    assert not [m for m in market.matchings() if not market.blocked(m)]
    result = match_with_couples(*market.args(), max_rounds=30)
    assert not result.stable and result.hit_guard and result.rounds == 30
    assert result.stability.blocking_pairs or result.stability.blocking_couples


@pytest.mark.parametrize("seed", range(120))
def test_the_checker_agrees_with_the_definition_on_every_matching(seed: int) -> None:
    market = tiny_with_couples(seed)
    args = market.args()
    for match in market.matchings():
        assert is_stable(*args[:3], match, args[3]) == (not market.blocked(match)), match


def test_couples_match_is_stable_when_it_says_so_and_fails_when_none_is() -> None:
    found = exists = 0
    for seed in range(300):
        market = tiny_with_couples(seed)
        stable = [tuple(m) for m in market.matchings() if not market.blocked(m)]
        result = match_with_couples(*market.args(), max_rounds=50)
        if result.stable:
            assert tuple(result.match) in stable
            found += 1
        else:
            assert (
                result.hit_guard
                and result.stability.blocking_pairs + result.stability.blocking_couples
            )
        exists += bool(stable)
    assert exists < 300  # some of these markets have no stable matching
    assert found >= 0.95 * exists, (found, exists)


def couples_of(
    members: list[tuple[int, int]],
    pairs: list[list[tuple[int, int]]],
    ranks: list[list[tuple[int, int]]],
) -> Couples:
    return Couples(
        np.array(members, np.int32), np.array(pairs, np.int32), np.array(ranks, np.int32)
    )


def test_a_couple_with_a_member_displaced_withdraws_and_frees_the_partners_position() -> None:
    # Couple 0 (applicants 0, 1) takes programs (0, 1) first; couple 1 (2, 3) then wants
    # (0, 4) and program 0 prefers applicant 2, so couple 0 moves on to (2, 3) and program 1,
    # its position freed, is offered at once to single 4, who had been turned away from it.
    lists = np.full((5, 2), -1, np.int32)
    lists[4] = [1, -1]
    rank_of = np.full((5, 2), -1, np.int32)
    rank_of[4, 0] = 1
    couples = couples_of(
        [(0, 1), (2, 3)],
        [[(0, 1), (2, 3)], [(0, 4), (-1, -1)]],
        [[(1, 0), (0, 0)], [(0, 0), (-1, -1)]],
    )
    result = match_with_couples(lists, rank_of, np.ones(5, np.int32), couples)
    assert result.match.tolist() == [2, 3, 0, 4, 1]
    assert result.stable and not result.hit_guard and result.rounds == 0


def test_a_member_leaving_frees_no_position_for_the_partner() -> None:
    # The couple holds (0, 1) and would rather swap to (1, 0); each program has one position.
    lists = rank_of = np.full((2, 1), -1, np.int32)
    held = np.array([0, 1], np.int32)
    capacities = np.array([1, 1], np.int32)
    # Both programs prefer member 0: program 0 would lose them for member 1, so no block.
    couples = couples_of([(0, 1)], [[(1, 0), (0, 1)]], [[(0, 1), (0, 1)]])
    assert check_stability(lists, rank_of, capacities, held, couples).stable
    # Program 0 prefers member 1 and program 1 member 0: the swap blocks.
    couples = couples_of([(0, 1)], [[(1, 0), (0, 1)]], [[(0, 0), (1, 1)]])
    report = check_stability(lists, rank_of, capacities, held, couples)
    assert report.blocking_couples == [(0, 1, 0)] and not report.stable
    assert match_with_couples(lists, rank_of, capacities, couples).match.tolist() == [1, 0]


def test_a_couple_may_accept_one_member_unmatched() -> None:
    # Both members want program 0, which has one position: the couple's second choice leaves
    # member 1 unmatched.
    lists = np.full((2, 1), -1, np.int32)
    couples = couples_of([(0, 1)], [[(0, 0), (0, -1)]], [[(0, 1), (0, -1)]])
    result = match_with_couples(
        lists, np.full((2, 1), -1, np.int32), np.array([1], np.int32), couples
    )
    assert result.match.tolist() == [0, -1] and result.stable


def test_without_couples_the_match_is_deferred_acceptance() -> None:
    lists, rank_of, capacities = national_like(3, 1_000)
    none = Couples(
        np.zeros((0, 2), np.int32), np.zeros((0, 1, 2), np.int32), np.zeros((0, 1, 2), np.int32)
    )
    result = match_with_couples(lists, rank_of, capacities, none)
    assert (result.match == deferred_acceptance_lists(lists, rank_of, capacities)).all()
    assert result.stable and result.rounds == 0


@pytest.mark.parametrize("seed", range(3))
def test_a_few_couples_in_a_large_market_still_find_a_stable_match(seed: int) -> None:
    lists, rank_of, capacities = national_like(seed, 2_000)
    rng = np.random.default_rng(seed)
    members = rng.choice(lists.shape[0], (40, 2), replace=False).astype(np.int32)
    # Pair the first member's k-th choice with a shuffled choice of the second member's.
    shuffle = np.argsort(rng.random((40, 6)), axis=1)
    pairs = np.stack(
        [lists[members[:, 0], :6], np.take_along_axis(lists[members[:, 1], :6], shuffle, 1)], 2
    )
    ranks = np.stack(
        [rank_of[members[:, 0], :6], np.take_along_axis(rank_of[members[:, 1], :6], shuffle, 1)], 2
    )
    lists, rank_of = lists.copy(), rank_of.copy()
    lists[members.ravel()] = rank_of[members.ravel()] = -1
    result = match_with_couples(lists, rank_of, capacities, Couples(members, pairs, ranks))
    assert result.stable, result.stability
    assert (
        np.bincount(result.match[result.match >= 0], minlength=capacities.size) <= capacities
    ).all()
    assert (result.match[members] >= 0).any()  # couples do match


@pytest.mark.parametrize(
    ("members", "pairs", "ranks", "message"),
    [
        ([(0, 2)], [[(0, 0)]], [[(0, 0)]], "a couple member has a list of their own"),
        ([(0, 0)], [[(0, 0)]], [[(0, 0)]], "names one applicant twice"),
        ([(0, 1)], [[(-1, -1), (0, 0)]], [[(-1, -1), (0, 0)]], "a pair after its"),
        ([(0, 1)], [[(0, 0), (0, -1)]], [[(0, 0), (1, -1)]], "ranks a couple member differently"),
        ([(0, 1)], [[(0, 5)]], [[(0, 0)]], "couples.pairs has 5, above"),
        ([(0, 1)], [[(0, 0)]], [[(0, 0), (0, 0)]], "couples.rank_of has shape"),
    ],
)
def test_bad_couples_get_a_clear_message(
    members: list[tuple[int, int]],
    pairs: list[list[tuple[int, int]]],
    ranks: list[list[tuple[int, int]]],
    message: str,
) -> None:
    lists = np.array([[-1], [-1], [0]], np.int32)
    couples = Couples(np.array(members), np.array(pairs), np.array(ranks))
    with pytest.raises(ValueError, match=message):
        match_with_couples(lists, np.zeros((3, 1), np.int32), np.array([2], np.int32), couples)
