"""Speed of the Match (deferred acceptance, core.match.acceptance): against the `matching`
library on the same instances, and on a national-size market.

Run: .venv/bin/python bench/match.py
Synthetic markets: programs differ in popularity (applicants draw their lists with weights
from a lognormal), applicants differ in strength (programs rank those who listed them by
strength plus noise). Times exclude numba's compile, done once before timing. Record the
printed figures in docs/benchmarks.md with the machine and date.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import sys
import threading
import time
import warnings

import numpy as np

from smartpick.core.match.acceptance import (
    deferred_acceptance_lists,
)
from smartpick.core.match.couples import (
    Couples,
    check_stability,
    match_with_couples,
)


def market(
    rng: np.random.Generator, applicants: int, programs: int, positions: int, ranks: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(applicant_ranks, rank_of, capacities) of a random market in the sparse form."""
    capacities = 1 + rng.multinomial(positions - programs, np.full(programs, 1 / programs))
    weight = rng.lognormal(0.0, 1.0, programs)
    drawn = rng.choice(programs, size=(applicants, 3 * ranks), p=weight / weight.sum())
    order = np.argsort(drawn, axis=1, kind="stable")
    ordered = np.take_along_axis(drawn, order, axis=1)
    repeat = np.zeros(drawn.shape, bool)
    np.put_along_axis(repeat, order[:, 1:], ordered[:, 1:] == ordered[:, :-1], axis=1)
    keep = np.argsort(np.where(repeat, drawn.shape[1], np.arange(drawn.shape[1])), axis=1)
    lists = np.take_along_axis(drawn, keep[:, :ranks], axis=1)
    lists[np.take_along_axis(repeat, keep[:, :ranks], axis=1)] = -1
    strength = rng.normal(size=applicants)
    score = strength[:, None] + rng.normal(size=lists.shape)
    flat = np.flatnonzero(lists.ravel() >= 0)
    program = lists.ravel()[flat]
    by_program = np.lexsort((-score.ravel()[flat], program))
    start = np.searchsorted(program[by_program], program[by_program])
    rank_of = np.full(lists.size, -1, np.int32)
    rank_of[flat[by_program]] = np.arange(flat.size) - start
    return lists.astype(np.int32), rank_of.reshape(lists.shape), capacities.astype(np.int32)


def couple_up(
    rng: np.random.Generator, instance: tuple[np.ndarray, ...], couples: int, pairs: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, Couples]:
    """Turn random pairs of applicants into couples: each couple ranks pairs of its members'
    own choices, best sum of places first; the members' own lists are emptied."""
    lists, rank_of, capacities = (array.copy() for array in instance)
    members = rng.choice(lists.shape[0], (couples, 2), replace=False).astype(np.int32)
    width = lists.shape[1]
    i, j = np.divmod(np.arange(width * width), width)
    order = np.lexsort((i, i + j))[:pairs]
    both = np.stack([lists[members[:, 0]][:, i[order]], lists[members[:, 1]][:, j[order]]], 2)
    ranks = np.stack([rank_of[members[:, 0]][:, i[order]], rank_of[members[:, 1]][:, j[order]]], 2)
    padding = (both < 0).any(axis=2)
    keep = np.argsort(padding, axis=1, kind="stable")[:, :, None]
    both, ranks = np.take_along_axis(both, keep, 1), np.take_along_axis(ranks, keep, 1)
    both[np.take_along_axis(padding, keep[:, :, 0], 1)] = -1
    lists[members.ravel()] = rank_of[members.ravel()] = -1
    return lists, rank_of, capacities, Couples(members, both, ranks)


def library_match(ranks: np.ndarray, rank_of: np.ndarray, capacities: np.ndarray) -> np.ndarray:
    """The `matching` library's resident-optimal solution, run in a thread with a deep stack:
    it deep-copies its player graph recursively (its issues #135, #139)."""
    from matching.games import HospitalResident

    resident_prefs, hospital_prefs = {}, {}
    program_lists: dict[int, list[tuple[int, int]]] = {}
    for a, row in enumerate(ranks):
        acceptable = [int(p) for k, p in enumerate(row) if p >= 0 and rank_of[a, k] >= 0]
        acceptable = [p for p in acceptable if capacities[p] > 0]
        if acceptable:
            resident_prefs[a] = acceptable
        for k, p in enumerate(row):
            if p >= 0 and rank_of[a, k] >= 0 and capacities[p] > 0:
                program_lists.setdefault(int(p), []).append((int(rank_of[a, k]), a))
    for p, entries in program_lists.items():
        hospital_prefs[p] = [a for _, a in sorted(entries)]
    result: list[object] = []

    def solve() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            game = HospitalResident.create_from_dictionaries(
                resident_prefs, hospital_prefs, {p: int(capacities[p]) for p in hospital_prefs}
            )
            result.append(game.solve(optimal="resident"))

    limit, size = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(512 * 1024 * 1024)
    try:
        thread = threading.Thread(target=solve)
        thread.start()
        thread.join()
    finally:
        sys.setrecursionlimit(limit)
        threading.stack_size(size)
    match = np.full(ranks.shape[0], -1, np.int32)
    for hospital, residents in result[0].items():  # type: ignore[attr-defined]
        for resident in residents:
            match[resident.name] = hospital.name
    return match


def median_ms(call: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def main() -> None:
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {dt.date.today().isoformat()}"
    )
    rng = np.random.default_rng(2026)
    start = time.perf_counter()
    deferred_acceptance_lists(*market(rng, 50, 10, 40, 5))
    print(f"numba compile (or cache load): {time.perf_counter() - start:.2f} s")

    for applicants in (300, 1_000, 3_000, 10_000):
        programs, positions = applicants // 7, applicants * 9 // 10
        instance = market(rng, applicants, programs, positions, 12)
        start = time.perf_counter()
        theirs = library_match(*instance)
        library_s = time.perf_counter() - start
        ours = deferred_acceptance_lists(*instance)
        ours_ms = median_ms(lambda i=instance: deferred_acceptance_lists(*i), 20)
        print(
            f"{applicants:>6} applicants, {programs:>4} programs: matching {library_s:6.2f} s "
            f"(build + solve), ours {ours_ms:6.2f} ms, ratio {1000 * library_s / ours_ms:8.0f}x, "
            f"identical: {bool((theirs == ours).all())}"
        )

    instance = market(rng, 50_000, 6_800, 44_000, 12)
    match = deferred_acceptance_lists(*instance)
    runs = [median_ms(lambda: deferred_acceptance_lists(*instance), 1) for _ in range(15)]
    stability = check_stability(*instance, match)
    print(
        f"national: 50,000 applicants x 12 ranks, 6,800 programs, 44,000 positions: median "
        f"{statistics.median(runs):.1f} ms, best {min(runs):.1f} ms over {len(runs)} runs "
        f"(validation included); {int((match >= 0).sum()):,} matched, "
        f"{len(stability.blocking_pairs)} blocking pairs"
    )

    market_with_couples = couple_up(rng, instance, 1_100, 24)
    results, times = [], []
    for _ in range(3):
        start = time.perf_counter()
        results.append(match_with_couples(*market_with_couples))
        times.append(time.perf_counter() - start)
    result = results[-1]
    members = market_with_couples[3].members
    print(
        f"national with 1,100 couples (24 pairs each), Python insertion: median "
        f"{statistics.median(times):.2f} s over {len(times)} runs; stable: {result.stable}, "
        f"rounds {result.rounds}, steps {result.steps:,}, guard hit: {result.hit_guard}, "
        f"{int((result.match[members] >= 0).all(axis=1).sum()):,} couples matched together"
    )


if __name__ == "__main__":
    main()
