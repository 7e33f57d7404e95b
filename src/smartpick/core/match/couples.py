"""Couples in the Match, and the stability checker (METHODS §4.5).

- `match_with_couples`: singles by deferred acceptance (core.match.acceptance), then
  couples, who rank pairs of programs, inserted with withdrawals and instability chains
  under a cycle guard. A stable matching may not exist with couples; the result says
  whether the one returned is stable.
- `check_stability`: a plain checker of blocking pairs, couples, capacity and acceptability.

Rank order lists come as in core.match.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from smartpick.core.match.acceptance import KEY_MASK, Ints, as_ints, checked_lists, da_kernel


@dataclass(frozen=True)
class Couples:
    """Couples in a Match: each ranks pairs of programs, one for each member.

    `members` (couples, 2): the two applicants; their own rows of `applicant_ranks` must be
    empty (all -1). `pairs` (couples, max_pairs, 2): pairs of programs in order of
    preference, padded with (-1, -1); a -1 on one side means that member goes unmatched
    while the other matches. `rank_of` (same shape as `pairs`): that program's rank of that
    member (-1: not ranked, and then the pair cannot match); a program ranks a member once,
    so the same (member, program) carries the same rank wherever it appears.
    """

    members: Ints
    pairs: Ints
    rank_of: Ints


@dataclass(frozen=True)
class Stability:
    """What `check_stability` found. Each list is empty for a stable matching."""

    blocking_pairs: list[tuple[int, int]]  # (applicant, program), applicant not in a couple
    blocking_couples: list[tuple[int, int, int]]  # (couple, program, program)
    over_capacity: list[int]  # programs holding more applicants than positions
    unacceptable: list[int]  # applicants matched where they or the program did not rank

    @property
    def stable(self) -> bool:
        return not (
            self.blocking_pairs or self.blocking_couples or self.over_capacity or self.unacceptable
        )


def _couples(couples: Couples | None, ranks: Ints, n_programs: int) -> Couples:
    if couples is None:
        empty = np.zeros((0, 1, 2), np.int32)
        return Couples(np.zeros((0, 2), np.int32), empty, empty)
    n = ranks.shape[0]
    members = as_ints("couples.members", couples.members, 2, 0, n)
    pairs = as_ints("couples.pairs", couples.pairs, 3, -1, n_programs)
    rank_of = as_ints("couples.rank_of", couples.rank_of, 3, -1)
    if members.shape[1:] != (2,) or pairs.shape[0] != members.shape[0] or pairs.shape[2:] != (2,):
        raise ValueError(
            f"couples.members has shape {members.shape} and couples.pairs {pairs.shape}: "
            "expected (couples, 2) and (couples, max_pairs, 2)"
        )
    if rank_of.shape != pairs.shape:
        raise ValueError(f"couples.rank_of has shape {rank_of.shape}, pairs {pairs.shape}")
    if np.unique(members).size != members.size:
        raise ValueError("an applicant is in two couples, or a couple names one applicant twice")
    if (ranks[members.ravel()] >= 0).any():
        raise ValueError("a couple member has a list of their own: couples rank pairs only")
    ended = np.asarray((pairs < 0).all(axis=2))
    if (ended[:, :-1] & ~ended[:, 1:]).any():
        raise ValueError("a couple's list has a pair after its (-1, -1) padding")
    listed = pairs >= 0
    who = np.broadcast_to(members[:, None, :], pairs.shape)[listed].astype(np.int64)
    which = who * n_programs + pairs[listed]
    order = np.lexsort((rank_of[listed], which))
    same = which[order][1:] == which[order][:-1]
    if (same & (rank_of[listed][order][1:] != rank_of[listed][order][:-1])).any():
        raise ValueError("a program ranks a couple member differently in two of its pairs")
    return Couples(members, pairs, rank_of)


def check_stability(
    applicant_ranks: object,
    rank_of: object,
    capacities: object,
    match: object,
    couples: Couples | None = None,
) -> Stability:
    """Blocking pairs, blocking couples, programs over their positions and unacceptable
    matches of `match` (each applicant's program or -1), with the inputs of
    `deferred_acceptance_lists` (and of `match_with_couples` when there are couples).

    A single applicant a and a program p block when p ranks a, a prefers p to their match
    (or is unmatched), and p has an empty position or prefers a to one of its applicants.

    Couples, as Roth & Peranson (1999) and McDermid & Manlove (2010) define it: a couple
    blocks with a pair (p1, p2) on its list that it prefers to its current pair (or to
    being unmatched) when each program of the pair would take the member(s) it gets. A
    program takes its newcomers when it has enough empty positions, or prefers each
    newcomer beyond its empty positions to a distinct applicant it has now, other than a
    member of the couple who stays there. A member who leaves a program does not empty a
    position for the partner: the program must prefer the partner to someone, perhaps that
    member. A -1 side receives no one.

    A matching is stable when no single and no couple blocks, no program is over its
    positions, and everyone matched holds an entry of their own list (a couple's pair) that
    the program ranks.
    """
    ranks, rank_of, caps = checked_lists(applicant_ranks, rank_of, capacities)
    couples = _couples(couples, ranks, caps.size)
    match = as_ints("match", match, 1, -1, caps.size)
    if match.size != ranks.shape[0]:
        raise ValueError(f"match has {match.size} entries for {ranks.shape[0]} applicants")
    return _check(ranks, rank_of, caps, couples, match)[0]


def is_stable(
    applicant_ranks: object,
    rank_of: object,
    capacities: object,
    match: object,
    couples: Couples | None = None,
) -> bool:
    """Whether `check_stability` finds nothing wrong with `match`."""
    return check_stability(applicant_ranks, rank_of, capacities, match, couples).stable


def _check(
    ranks: Ints, rank_of: Ints, caps: Ints, couples: Couples, match: Ints
) -> tuple[Stability, NDArray[np.intp], NDArray[np.intp], list[tuple[int, int]]]:
    """The report, with the blocking entries found: singles' (rows, columns) of their lists,
    and (couple, index of its best blocking pair)."""
    keys, entry = _keys(ranks, rank_of, couples, match)
    matched = keys >= 0
    count = np.bincount(match[match >= 0], minlength=caps.size)
    worst = np.full(caps.size, -1, np.int64)
    np.maximum.at(worst, match[matched], keys[matched])
    rows, cols = np.nonzero(_blocking_entries(ranks, rank_of, caps, entry, count, worst))
    pairs = _blocking_couple_entries(couples, caps, match, _held(match, keys, caps.size), entry)
    report = Stability(
        blocking_pairs=[(int(a), int(ranks[a, k])) for a, k in zip(rows, cols, strict=True)],
        blocking_couples=[
            (c, int(couples.pairs[c, k, 0]), int(couples.pairs[c, k, 1])) for c, k in pairs
        ],
        over_capacity=np.flatnonzero(count > caps).tolist(),
        unacceptable=np.flatnonzero((match >= 0) & ~matched).tolist(),
    )
    return report, rows, cols, pairs


def _keys(
    ranks: Ints, rank_of: Ints, couples: Couples, match: Ints
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(each applicant's key at its program, -1 when unmatched or unacceptable; the index of
    the matched entry in its own list (a couple's in the couple's), the list length if
    unmatched, -1 if unacceptable)."""
    n, width = ranks.shape
    keys = np.full(n, -1, np.int64)
    entry = np.full(n, width, np.int64)
    hit = (ranks == match[:, None]) & (match[:, None] >= 0)
    found = hit.any(axis=1)
    k = hit.argmax(axis=1)
    rank = np.where(found, rank_of[np.arange(n), k], -1)
    keys[rank >= 0] = (rank[rank >= 0].astype(np.int64) << 32) | np.flatnonzero(rank >= 0)
    entry[found & (rank >= 0)] = k[found & (rank >= 0)]
    entry[(match >= 0) & (rank < 0)] = -1
    for c, (m1, m2) in enumerate(couples.members):
        now = (match[m1], match[m2])
        entry[m1] = entry[m2] = -1 if now != (-1, -1) else couples.pairs.shape[1]
        for k, (p1, p2) in enumerate(couples.pairs[c]):
            r1, r2 = couples.rank_of[c, k]
            if now == (p1, p2) != (-1, -1) and (p1 < 0 or r1 >= 0) and (p2 < 0 or r2 >= 0):
                entry[m1] = entry[m2] = k
                keys[m1] = (int(r1) << 32 | int(m1)) if p1 >= 0 else -1
                keys[m2] = (int(r2) << 32 | int(m2)) if p2 >= 0 else -1
                break
    return keys, entry


def _blocking_entries(
    ranks: Ints,
    rank_of: Ints,
    caps: Ints,
    entry: NDArray[np.int64],
    count: NDArray[np.int64],
    worst: NDArray[np.int64],
) -> NDArray[np.bool_]:
    """Which list entries (applicant, k) of single applicants block: the applicant prefers the
    program to their match and the program would take them."""
    n, width = ranks.shape
    p = np.where(ranks >= 0, ranks, 0)
    key = (rank_of.astype(np.int64) << 32) | np.arange(n)[:, None]
    takes = (count[p] < caps[p]) | (key < worst[p])
    preferred = np.arange(width)[None, :] < np.where(entry < 0, width, entry)[:, None]
    return (ranks >= 0) & (rank_of >= 0) & (caps[p] > 0) & preferred & takes


def _held(match: Ints, keys: NDArray[np.int64], n_programs: int) -> list[list[int]]:
    """Each program's held keys, sorted best first."""
    held: list[list[int]] = [[] for _ in range(n_programs)]
    for a in np.flatnonzero(keys >= 0).tolist():
        held[match[a]].append(int(keys[a]))
    for keys_at in held:
        keys_at.sort()
    return held


def _takes(held: list[int], cap: int, new: list[int]) -> bool:
    """Whether a program holding `held` (sorted) keeps every key of `new` among its best
    `cap` when they propose: how deferred acceptance admits."""
    return bisect.bisect_left(held, max(new)) + len(new) <= cap


def _admits(held: list[int], cap: int, new: list[int], keep: list[int]) -> bool:
    """Whether a program holding `held` (sorted) would take the couple members `new` while
    keeping `keep`: enough empty positions, or each newcomer beyond them preferred to a
    distinct applicant it holds now, other than those kept (Roth & Peranson 1999)."""
    drop = len(new) - (cap - len(held))
    if drop <= 0:
        return True
    others = [key for key in held if key not in keep]
    if drop > len(others):
        return False
    # The best `drop` newcomers against the worst `drop` others, worst with worst.
    return all(n < o for n, o in zip(sorted(new)[:drop], others[-drop:], strict=True))


def _member_keys(members: list[int], ranks: list[int]) -> tuple[int, int]:
    """The two members' keys at their programs of one pair (-1 where not ranked)."""
    (m1, m2), (r1, r2) = members, ranks
    return (r1 << 32 | m1 if r1 >= 0 else -1, r2 << 32 | m2 if r2 >= 0 else -1)


def _couple_admitted(
    pair: tuple[int, int],
    keys: tuple[int, int],
    now: tuple[int, int],
    caps: list[int],
    held: list[list[int]],
) -> bool:
    """Whether each program of `pair` would take the couple's members it gets (keys: the
    members' keys there, -1 if not ranked; now: where the members are)."""
    if any(p >= 0 and key < 0 for p, key in zip(pair, keys, strict=True)):
        return False
    for p in {p for p in pair if p >= 0}:
        new = [key for q, key, at in zip(pair, keys, now, strict=True) if q == p and at != p]
        keep = [key for q, key, at in zip(pair, keys, now, strict=True) if q == p and at == p]
        if new and not _admits(held[p], caps[p], new, keep):
            return False
    return True


def _blocking_couple_entries(
    couples: Couples, caps: Ints, match: Ints, held: list[list[int]], entry: NDArray[np.int64]
) -> list[tuple[int, int]]:
    """(couple, best pair index) for each couple that blocks with a pair it prefers."""
    found = []
    pairs, ranks, cap_list = couples.pairs.tolist(), couples.rank_of.tolist(), caps.tolist()
    for c, members in enumerate(couples.members.tolist()):
        now = (int(match[members[0]]), int(match[members[1]]))
        for k in range(len(pairs[c]) if entry[members[0]] < 0 else int(entry[members[0]])):
            pair = (pairs[c][k][0], pairs[c][k][1])
            if pair == (-1, -1):
                break
            if _couple_admitted(pair, _member_keys(members, ranks[c][k]), now, cap_list, held):
                found.append((c, k))
                break
    return found


@dataclass(frozen=True)
class CouplesResult:
    """A Match with couples. `stable` is certified by `check_stability` on the result, never
    assumed; `hit_guard` says the cycle guard stopped instability chains still going on."""

    match: Ints  # each applicant's program or -1, couple members included
    stable: bool
    rounds: int  # rounds of instability chains run after the first pass
    steps: int  # after the singles' first pass: units proposing, freed positions offered
    hit_guard: bool
    stability: Stability  # the final check: what still blocks when not stable


def match_with_couples(
    applicant_ranks: object,
    rank_of: object,
    capacities: object,
    couples: Couples,
    max_rounds: int = 100,
    max_steps: int | None = None,
) -> CouplesResult:
    """Roth & Peranson's sequential insertion of couples into a Match of singles.

    Singles first, by deferred acceptance; then couples propose down their lists of pairs,
    and a pair is held only when both programs take their member. A couple with a member
    displaced is withdrawn, freeing the partner's position, and proposes from its next pair.
    A position freed that way (or by an applicant moving up) is offered to the single the
    program ranks best among those who prefer it to where they are: an instability chain.
    When all is still, each program's best blocking single and each blocking couple
    (`check_stability`) move to their best blocking entry if they still can (one round),
    and the chains go on. A stable matching may not exist: after `max_rounds` rounds, or
    `max_steps` steps (default: ten per list entry, plus 10,000), the run stops and reports
    `hit_guard`; `stable` is claimed only when the checker finds nothing wrong.
    """
    ranks, rank_of, caps = checked_lists(applicant_ranks, rank_of, capacities)
    couples = _couples(couples, ranks, caps.size)
    if max_steps is None:
        entries = int((ranks >= 0).sum()) + int((couples.pairs >= 0).any(axis=2).sum())
        max_steps = 10 * entries + 10_000
    market = _Market(ranks, rank_of, caps, couples, max_steps)
    market.run()
    rounds = 0
    while True:
        match = np.array(market.match, np.int32)
        report, rows, cols, pairs = _check(ranks, rank_of, caps, couples, match)
        if report.stable or rounds == max_rounds or market.steps >= max_steps:
            break
        rounds += 1
        market.resolve(rows, cols, pairs)
    return CouplesResult(match, report.stable, rounds, market.steps, not report.stable, report)


class _Market:
    """The state of a Match run in Python: who holds whom, where each single and couple
    proposes next, which positions were freed. Programs keep their held keys sorted."""

    def __init__(
        self, ranks: Ints, rank_of: Ints, caps: Ints, couples: Couples, max_steps: int
    ) -> None:
        self.lists = [[int(p) for p in row if p >= 0] for row in ranks]
        self.ranks = rank_of.tolist()
        self.caps = caps.tolist()
        self.members = couples.members.tolist()
        self.couple_of = [-1] * ranks.shape[0]
        for c, (m1, m2) in enumerate(self.members):
            self.couple_of[m1] = self.couple_of[m2] = c
        self.pairs = [
            [(p1, p2) for p1, p2 in row if p1 >= 0 or p2 >= 0] for row in couples.pairs.tolist()
        ]
        self.pair_ranks = couples.rank_of.tolist()
        singles, _ = da_kernel(ranks, rank_of, caps)  # couple members have empty lists
        self.match: list[int] = singles.tolist()
        self.key = [-1] * len(self.match)
        self.held: list[list[int]] = [[] for _ in self.caps]
        self.at = [len(row) for row in self.lists]  # the entry held, or the list's length
        for a, p in enumerate(self.match):
            if p >= 0:
                self.at[a] = self.lists[a].index(p)
                self.key[a] = self.ranks[a][self.at[a]] << 32 | a
                self.held[p].append(self.key[a])
        for keys in self.held:
            keys.sort()
        self.next = [k + 1 for k in self.at]
        self.next_pair = [0] * len(self.pairs)
        self.todo = [-1 - c for c in reversed(range(len(self.pairs)))]  # < 0: a couple
        self.freed: list[int] = []
        self.steps, self.max_steps = 0, max_steps
        rows, cols = np.nonzero((ranks >= 0) & (rank_of >= 0))
        program = ranks[rows, cols]
        order = np.lexsort((rank_of[rows, cols], program))  # then by applicant: rows ascend
        self.wanting = (rows[order], cols[order])  # singles' entries, by program, best first
        self.starts = np.searchsorted(program[order], np.arange(caps.size + 1)).tolist()

    def run(self) -> None:
        """Proposals and freed positions until all is still (or the step budget is spent)."""
        while (self.todo or self.freed) and self.steps < self.max_steps:
            self.steps += 1
            if self.freed:  # offer freed positions before anyone proposes on
                self.offer(self.freed.pop())
                continue
            unit = self.todo.pop()
            if unit >= 0:
                self.propose_single(unit)
            else:
                self.propose_couple(-1 - unit)

    def propose_single(self, a: int) -> None:
        row, k = self.lists[a], self.next[a]
        while k < len(row) and not self.move(a, k):
            k += 1

    def move(self, a: int, k: int) -> bool:
        """Single a takes entry k of its list if the program would take them now."""
        p, key = self.lists[a][k], self.ranks[a][k] << 32 | a
        if key < 0 or not _takes(self.held[p], self.caps[p], [key]):
            self.next[a] = k + 1
            return False
        self.withdraw(a)
        self.match[a], self.key[a], self.at[a], self.next[a] = p, key, k, k + 1
        self.hold(p, [key])
        return True

    def offer(self, p: int) -> None:
        """A freed position at p goes to the single p ranks best among those who would
        rather be there."""
        applicants, entries = self.wanting
        for i in range(self.starts[p], self.starts[p + 1]):
            if len(self.held[p]) >= self.caps[p]:
                return
            a, k = int(applicants[i]), int(entries[i])
            if k < self.at[a]:
                self.move(a, k)

    def propose_couple(self, c: int) -> None:
        for k in range(self.next_pair[c], len(self.pairs[c])):
            if self.place_couple(c, k, proposing=True):
                return
        self.next_pair[c] = len(self.pairs[c])

    def hold(self, p: int, keys: list[int], keep: tuple[int, ...] = ()) -> None:
        """Program p takes `keys`; the applicants it no longer has room for (its worst, other
        than the applicants in `keep`) are displaced, and a couple with a displaced member is
        withdrawn to propose again."""
        held = self.held[p]
        for key in keys:
            bisect.insort(held, key)
        excess = len(held) - self.caps[p]
        if excess <= 0:
            return
        displaced = []
        for key in [key for key in held if key & KEY_MASK not in keep][-excess:]:
            held.remove(key)
            b = key & KEY_MASK
            self.match[b], self.key[b] = -1, -1
            if self.couple_of[b] < 0:
                self.at[b] = len(self.lists[b])
            displaced.append(b if self.couple_of[b] < 0 else -1 - self.couple_of[b])
        for unit in dict.fromkeys(displaced):
            self.withdraw(unit)
            self.todo.append(unit)

    def place_couple(self, c: int, k: int, proposing: bool) -> bool:
        """Couple c takes pair k if its programs would take it now: when proposing (holding
        nothing), each program keeps its best applicants; when moving from its match to a
        blocking pair, as the blocking definition has it. Each program lets go of its worst
        applicants other than the couple's members."""
        members, pair = self.members[c], self.pairs[c][k]
        keys = _member_keys(members, self.pair_ranks[c][k])
        new: dict[int, list[int]] = {}
        for p, key in zip(pair, keys, strict=True):
            if p >= 0:
                new.setdefault(p, []).append(key)
        if proposing:
            takes = all(
                min(ks) >= 0 and _takes(self.held[p], self.caps[p], ks) for p, ks in new.items()
            )
        else:
            now = (self.match[members[0]], self.match[members[1]])
            takes = _couple_admitted(pair, keys, now, self.caps, self.held)
        if not takes:
            return False
        self.withdraw(-1 - c)
        for m, p, key in zip(members, pair, keys, strict=True):
            self.match[m], self.key[m] = p, (key if p >= 0 else -1)
        for p, ks in new.items():
            self.hold(p, ks, tuple(members))
        self.next_pair[c] = k + 1
        return True

    def withdraw(self, unit: int) -> None:
        """A single or a couple (unit < 0) leaves the positions it holds, which are freed."""
        for a in [unit] if unit >= 0 else self.members[-1 - unit]:
            if self.match[a] >= 0:
                self.held[self.match[a]].remove(self.key[a])
                self.freed.append(self.match[a])
                self.match[a], self.key[a] = -1, -1
                if unit >= 0:
                    self.at[a] = len(self.lists[a])

    def resolve(
        self, rows: NDArray[np.intp], cols: NDArray[np.intp], pairs: list[tuple[int, int]]
    ) -> None:
        """One round: each program's best blocking single, and each blocking couple, moves to
        its best blocking entry if it still can; then the chains this starts run out."""
        best: dict[int, tuple[int, int, int]] = {}
        for a, k in zip(rows.tolist(), cols.tolist(), strict=True):
            p, key = self.lists[a][k], self.ranks[a][k] << 32 | a
            if p not in best or key < best[p][0]:
                best[p] = (key, a, k)
        for _, a, k in best.values():
            if k < self.at[a]:
                self.move(a, k)
        for c, k in pairs:
            self.place_couple(c, k, proposing=False)
        self.run()
