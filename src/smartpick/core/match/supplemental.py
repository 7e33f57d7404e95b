"""Advanced positions and supplemental PGY-1 lists (the NRMP's rule, METHODS §4.1).

An advanced program starts at PGY-2; an applicant who ranks one may add a supplemental rank
order list of PGY-1 programs (preliminary or transitional). The supplemental list is used
only when the applicant matches an advanced program: for each advanced program on the
primary list, the applicant prefers it with their first supplemental program, then with the
second, and so on, then with no PGY-1 position at all (the applicant can match the advanced
position and still be unmatched for PGY-1). A categorical program on the primary list needs
no PGY-1 position.

That is a couple in all but name (Roth & Peranson 1999 treat it so): the applicant and a
stand-in for their PGY-1 year rank pairs (primary program, PGY-1 program or none), and the
Match with couples (core.match.couples) places them. The result says, as for couples, whether it
is stable; a stable matching may not exist.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from smartpick.core.match.acceptance import Ints, checked_lists, da_kernel
from smartpick.core.match.couples import Couples, CouplesResult, match_with_couples


@dataclass(frozen=True)
class SupplementalList:
    """One applicant's supplemental PGY-1 list: programs best first, and each program's
    rank of the applicant (-1: not ranked, and then it cannot take them)."""

    programs: Sequence[int]
    rank_of: Sequence[int]


@dataclass(frozen=True)
class SupplementalResult:
    match: Ints  # each applicant's primary program (advanced or categorical) or -1
    pgy1: Ints  # the PGY-1 program of applicants matched to an advanced one, else -1
    stable: bool
    hit_guard: bool
    couples: CouplesResult  # the underlying run, stand-ins included


def match_with_supplemental(
    applicant_ranks: object,
    rank_of: object,
    capacities: object,
    advanced: object,
    supplemental: Mapping[int, SupplementalList],
    max_rounds: int = 100,
) -> SupplementalResult:
    """The Match with supplemental lists. `advanced` (programs,) says which programs start
    at PGY-2; `supplemental` maps an applicant to their PGY-1 list (applicants without one
    match as usual, and an advanced program gives them no PGY-1 position)."""
    ranks, ranked, caps = checked_lists(applicant_ranks, rank_of, capacities)
    is_advanced = np.asarray(advanced, dtype=bool)
    if is_advanced.shape != caps.shape:
        raise ValueError(
            f"advanced has {is_advanced.size} entries for {caps.size} programs: one per program"
        )
    n = ranks.shape[0]
    people = sorted(supplemental)
    for a in people:
        if not 0 <= a < n:
            raise ValueError(f"supplemental list for applicant {a}: there are {n} applicants")
        sup = supplemental[a]
        if len(sup.programs) != len(sup.rank_of):
            raise ValueError(f"applicant {a}: one rank per supplemental program")
        if any(not 0 <= p < caps.size or is_advanced[p] for p in sup.programs):
            raise ValueError(f"applicant {a}: a supplemental list holds PGY-1 programs only")
    # Pairs: (primary, PGY-1) for each advanced primary and each supplemental program, then
    # (primary, none); a categorical primary pairs with none only.
    pair_lists: list[list[tuple[int, int, int, int]]] = []
    for a in people:
        sup = supplemental[a]
        pairs = []
        for k in range(ranks.shape[1]):
            j = int(ranks[a, k])
            if j < 0:
                break
            r = int(ranked[a, k])
            if is_advanced[j]:
                pairs += [
                    (j, int(p), r, int(q)) for p, q in zip(sup.programs, sup.rank_of, strict=True)
                ]
            pairs.append((j, -1, r, -1))
        pair_lists.append(pairs)
    width = max((len(p) for p in pair_lists), default=0) or 1
    pair_array = np.full((len(people), width, 2), -1, dtype=np.int32)
    pair_ranks = np.full((len(people), width, 2), -1, dtype=np.int32)
    for c, pairs in enumerate(pair_lists):
        for k, (j, p, r, q) in enumerate(pairs):
            pair_array[c, k] = (j, p)
            pair_ranks[c, k] = (r, q)
    # The applicants with a supplemental list match as couples: their own rows are emptied,
    # and one stand-in per applicant (rows n, n + 1, ...) holds their PGY-1 position.
    all_ranks = np.vstack([ranks, np.full((len(people), ranks.shape[1]), -1, np.int32)])
    all_ranked = np.vstack([ranked, np.full((len(people), ranks.shape[1]), -1, np.int32)])
    all_ranks[people] = -1
    all_ranked[people] = -1
    members = np.array([[a, n + c] for c, a in enumerate(people)], dtype=np.int32).reshape(-1, 2)
    result = match_with_couples(
        all_ranks,
        all_ranked,
        caps,
        Couples(members, pair_array, pair_ranks),
        max_rounds=max_rounds,
    )
    main = result.match[:n].copy()
    pgy1 = np.full(n, -1, dtype=np.int32)
    for c, a in enumerate(people):
        pgy1[a] = result.match[n + c]
    return SupplementalResult(main, pgy1, result.stable, result.hit_guard, result)


def positions_used(result: SupplementalResult, programs: int) -> NDArray[np.int64]:
    """Positions filled at each program, PGY-1 positions of supplemental lists included."""
    taken = np.concatenate([result.match[result.match >= 0], result.pgy1[result.pgy1 >= 0]])
    return np.bincount(taken, minlength=programs)


@dataclass(frozen=True)
class SupplementalLists:
    """The national form's result (`match_supplemental_lists`)."""

    match: Ints  # each applicant's program on the rank order list, or -1
    pgy1: Ints  # PGY-1 program of applicants matched to an advanced one, else -1
    passes: int  # deferred-acceptance runs until the advanced matches stood still
    settled: bool  # False: stopped at max_passes with the advanced matches still moving


def match_supplemental_lists(
    applicant_ranks: object,
    rank_of: object,
    capacities: object,
    advanced: object,
    sup_ranks: object,
    sup_rank_of: object,
    max_passes: int = 20,
) -> SupplementalLists:
    """`match_with_supplemental` for a national market, in compiled deferred acceptance.

    Each supplemental list follows an advanced program with every PGY-1 program and then with
    none, so whether an advanced program takes an applicant never depends on PGY-1
    positions: the couple of `match_with_supplemental` reduces to the applicant on their own
    list and a stand-in on the supplemental list, present exactly when the applicant holds an
    advanced program. Deferred acceptance runs with the stand-ins of the applicants who held
    one in the last run until that set stands still (the stand-ins only take PGY-1 positions;
    the tests check the result against `match_with_supplemental`). Lists come as in
    core.match.acceptance; `sup_ranks` (applicants, k2) holds PGY-1 programs only."""
    ranks, ranked, caps = checked_lists(applicant_ranks, rank_of, capacities)
    sranks, sranked, _ = checked_lists(sup_ranks, sup_rank_of, caps)
    is_advanced = np.asarray(advanced, dtype=bool)
    n = ranks.shape[0]
    if is_advanced.shape != caps.shape:
        raise ValueError(
            f"advanced has {is_advanced.size} entries for {caps.size} programs: one per program"
        )
    if sranks.shape[0] != n:
        raise ValueError(f"sup_ranks has {sranks.shape[0]} rows for {n} applicants")
    if (is_advanced[sranks[sranks >= 0]]).any():
        raise ValueError("a supplemental list holds PGY-1 programs only")
    has = (sranks >= 0).any(axis=1) if sranks.size else np.zeros(n, bool)
    # Every applicant with a supplemental list has a stand-in row after the n applicants,
    # allocated once; a stand-in whose applicant holds no advanced program has an empty list
    # (it proposes to nobody, so the Match is as without it).
    owners = np.flatnonzero(has)
    width = max(ranks.shape[1], sranks.shape[1])
    all_ranks = np.full((n + owners.size, width), -1, dtype=np.int32)
    all_ranked = np.full((n + owners.size, width), -1, dtype=np.int32)
    all_ranks[:n, : ranks.shape[1]] = ranks
    all_ranked[:n, : ranks.shape[1]] = ranked
    stand_ins = all_ranks[n:, : sranks.shape[1]]
    stand_ins_ranked = all_ranked[n:, : sranks.shape[1]]
    holding = np.zeros(n, dtype=bool)
    for passes in range(1, max_passes + 1):
        on = holding[owners]
        stand_ins[:] = np.where(on[:, None], sranks[owners], -1)
        stand_ins_ranked[:] = np.where(on[:, None], sranked[owners], -1)
        match, _ = da_kernel(all_ranks, all_ranked, caps)
        main = match[:n]
        pgy1 = np.full(n, -1, dtype=np.int32)
        pgy1[owners[on]] = match[n:][on]
        now = has & (main >= 0) & is_advanced[np.maximum(main, 0)]
        if np.array_equal(now, holding):
            return SupplementalLists(main.copy(), pgy1, passes, True)
        holding = now
    pgy1[~holding] = -1
    return SupplementalLists(main.copy(), pgy1, max_passes, False)
