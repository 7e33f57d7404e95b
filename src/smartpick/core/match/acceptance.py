"""The Match mechanism: applicant-proposing deferred acceptance, the core of Roth & Peranson
(AER 1999), with couples inserted in their style (METHODS §4.1, §4.5).

Rank order lists come as arrays. An applicant's list is a row of program indices in order of
preference, padded at the end with -1. Each entry carries the program's rank of that
applicant (lower is better, -1 when the program did not rank the applicant, who can then
never match there). Programs with equal ranks for two applicants prefer the lower applicant
index, so every program's preferences are strict.

- `deferred_acceptance_lists`: the engine, compiled with numba, on the sparse form (a rank
  per list entry); a national Match (50,000 applicants) takes milliseconds.
- `deferred_acceptance`: the same on a dense (programs, applicants) table of ranks.

Couples and the stability checker are in core.match.couples.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

Ints = NDArray[np.int32]
F = TypeVar("F", bound=Callable[..., object])

KEY_MASK = (1 << 32) - 1  # a program's key for an applicant: rank << 32 | applicant


def _jit(func: F, parallel: bool = False) -> F:
    """numba.njit, cached on disk where a cache directory can be written, else per process."""
    try:
        return cast(F, numba.njit(cache=True, parallel=parallel)(func))
    except RuntimeError:  # numba finds no writable cache directory for this file
        return cast(F, numba.njit(parallel=parallel)(func))


@_jit
def da_kernel(applicant_ranks: Ints, rank_of: Ints, capacities: Ints) -> tuple[Ints, int]:
    """Applicant-proposing deferred acceptance, one applicant's chain at a time (McVitie &
    Wilson): each program holds its best applicants so far in a max-heap of keys, so its
    worst held applicant is at the top. Returns (each applicant's program or -1, proposals)."""
    n_applicants, width = applicant_ranks.shape
    n_programs = capacities.shape[0]
    offsets = np.zeros(n_programs + 1, np.int64)
    for p in range(n_programs):
        offsets[p + 1] = offsets[p] + capacities[p]
    heap = np.empty(offsets[n_programs], np.int64)
    size = np.zeros(n_programs, np.int64)
    match = np.full(n_applicants, -1, np.int32)
    nxt = np.zeros(n_applicants, np.int64)
    proposals = 0
    for first in range(n_applicants):
        a = first
        while a >= 0 and nxt[a] < width:
            k = nxt[a]
            p = applicant_ranks[a, k]
            nxt[a] = k + 1
            if p < 0:
                break
            r = rank_of[a, k]
            if r < 0 or capacities[p] == 0:
                continue
            proposals += 1
            key = (np.int64(r) << 32) | a
            base, n = offsets[p], size[p]
            if n < capacities[p]:  # a free position: sift the key up
                i = n
                while i > 0 and heap[base + (i - 1) // 2] < key:
                    heap[base + i] = heap[base + (i - 1) // 2]
                    i = (i - 1) // 2
                heap[base + i] = key
                size[p] = n + 1
                match[a] = p
                a = -1
            elif key < heap[base]:  # better than the worst held: displace, sift down
                displaced = int(heap[base] & 0xFFFFFFFF)
                i = 0
                while True:
                    child = 2 * i + 1
                    if child >= n:
                        break
                    if child + 1 < n and heap[base + child + 1] > heap[base + child]:
                        child += 1
                    if heap[base + child] <= key:
                        break
                    heap[base + i] = heap[base + child]
                    i = child
                heap[base + i] = key
                match[a] = p
                match[displaced] = -1
                a = displaced
    return match, proposals


@_jit
def _first_bad_row(applicant_ranks: Ints, n_programs: int) -> tuple[int, int]:
    """(row, problem) of the first list with a program after its padding (problem 1) or a
    program listed twice (problem 2); (-1, 0) when every list is well formed."""
    seen = np.full(n_programs, -1, np.int64)
    for a in range(applicant_ranks.shape[0]):
        ended = False
        for k in range(applicant_ranks.shape[1]):
            p = applicant_ranks[a, k]
            if p < 0:
                ended = True
            elif ended:
                return a, 1
            elif seen[p] == a:
                return a, 2
            else:
                seen[p] = a
    return -1, 0


def as_ints(name: str, value: object, ndim: int, low: int, high: int | None = None) -> Ints:
    """`value` as a C-ordered int32 array of `ndim` dimensions with entries in [low, high)."""
    array = np.asarray(value)
    if array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {array.shape}")
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold integers, got dtype {array.dtype}")
    if array.size and array.min() < low:
        raise ValueError(f"{name} has {array.min()}, below the smallest allowed value {low}")
    top = np.iinfo(np.int32).max if high is None else high - 1
    if array.size and array.max() > top:
        raise ValueError(f"{name} has {array.max()}, above the largest allowed value {top}")
    return np.ascontiguousarray(array, dtype=np.int32)


def checked_lists(applicant_ranks: object, rank_of: object, capacities: object) -> tuple[Ints, ...]:
    capacities = as_ints("capacities", capacities, 1, 0)
    ranks = as_ints("applicant_ranks", applicant_ranks, 2, -1, capacities.size)
    rank_of = as_ints("rank_of", rank_of, 2, -1)
    if rank_of.shape != ranks.shape:
        raise ValueError(
            f"rank_of has shape {rank_of.shape}, applicant_ranks {ranks.shape}: "
            "one program rank per list entry"
        )
    row, problem = _first_bad_row(ranks, capacities.size)
    if problem == 1:
        raise ValueError(f"applicant {row}'s list has a program after its -1 padding")
    if problem == 2:
        raise ValueError(f"applicant {row}'s list names a program twice")
    return ranks, rank_of, capacities


def deferred_acceptance_lists(applicant_ranks: object, rank_of: object, capacities: object) -> Ints:
    """The applicant-optimal stable matching, by applicant-proposing deferred acceptance.

    `applicant_ranks` (applicants, max_ranks): program indices in order of preference, padded
    with -1; `rank_of` (same shape): the program's rank of the applicant for that entry (lower
    is better, -1: not ranked); `capacities` (programs,): positions. Returns each applicant's
    program, or -1 for unmatched, as int32. Raises ValueError on malformed input.
    """
    return da_kernel(*checked_lists(applicant_ranks, rank_of, capacities))[0]


def rank_of_from_dense(applicant_ranks: object, program_ranks: object) -> Ints:
    """The sparse form's `rank_of` from a dense (programs, applicants) table of ranks."""
    ranks = as_ints("applicant_ranks", applicant_ranks, 2, -1)
    table = as_ints("program_ranks", program_ranks, 2, -1)
    if table.shape[1] != ranks.shape[0]:
        raise ValueError(
            f"program_ranks has {table.shape[1]} columns for {ranks.shape[0]} applicants: "
            "one column per applicant"
        )
    if ranks.size and ranks.max() >= table.shape[0]:
        raise ValueError(f"applicant_ranks names program {ranks.max()} of {table.shape[0]}")
    listed = ranks >= 0
    rank_of = table[np.where(listed, ranks, 0), np.arange(ranks.shape[0])[:, None]]
    return np.where(listed, rank_of, -1).astype(np.int32)


def deferred_acceptance(applicant_ranks: object, program_ranks: object, capacities: object) -> Ints:
    """`deferred_acceptance_lists` with each program's ranks given as a dense row:
    `program_ranks[p, a]` is program p's rank of applicant a (lower is better, -1: not
    ranked). Dense tables are for small markets: a national one would take 1.4 GB."""
    caps = as_ints("capacities", capacities, 1, 0)
    table = np.asarray(program_ranks)
    if table.ndim == 2 and table.shape[0] != caps.size:
        raise ValueError(
            f"program_ranks has {table.shape[0]} rows for {caps.size} programs: one per program"
        )
    return deferred_acceptance_lists(
        applicant_ranks, rank_of_from_dense(applicant_ranks, table), caps
    )
