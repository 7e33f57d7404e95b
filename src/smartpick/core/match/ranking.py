"""Each program's ranking of its interviewees, compiled: the draw's entries (one per
interview) bucketed by program in entry order, then sorted within each program by the
program's evaluation, best first (`program_ranks`; a fit evaluation ranks the
drawn market again under other tau and shifts, so this runs at every evaluation)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from smartpick.core.match.acceptance import _jit

if TYPE_CHECKING:
    from smartpick.core.match.market import Draw

Ints = NDArray[np.integer[Any]]
Array = NDArray[np.float64]
IntArray = NDArray[np.int32]


@_jit
def _buckets(programs: Ints, n_programs: int) -> tuple[Ints, Ints]:
    """(start, bucket): the entries of program p are bucket[start[p]:start[p + 1]], in entry
    order."""
    start = np.zeros(n_programs + 1, dtype=np.int64)
    for p in programs:
        start[p + 1] += 1
    for p in range(n_programs):
        start[p + 1] += start[p]
    fill = start[:-1].copy()
    bucket = np.empty(programs.size, dtype=np.int64)
    for e in range(programs.size):  # entries by program, each program's in entry order
        bucket[fill[programs[e]]] = e
        fill[programs[e]] += 1
    return start, bucket


@_jit
def _ranks(programs: Ints, values: NDArray[np.float64], n_programs: int) -> NDArray[np.int32]:
    start, bucket = _buckets(programs, n_programs)
    out = np.empty(programs.size, dtype=np.int32)
    for p in range(n_programs):
        entries = bucket[start[p] : start[p + 1]]
        order = np.argsort(-values[entries], kind="mergesort")  # stable: ties in entry order
        for r in range(entries.size):
            out[entries[order[r]]] = r
    return out


def ranks_within_programs(programs: Ints, values: NDArray[np.float64]) -> NDArray[np.int32]:
    """The rank (0: best) of each entry among its program's entries by `values`, highest
    first, ties in entry order: what np.lexsort((-values, programs)) gives, in linear time
    plus one small sort per program."""
    programs = np.ascontiguousarray(programs, dtype=np.int64)
    if programs.size == 0:
        return np.zeros(0, dtype=np.int32)
    if programs.min() < 0:
        raise ValueError("program indices must be non-negative")
    values = np.ascontiguousarray(values, dtype=np.float64)
    return np.asarray(_ranks(programs, values, int(programs.max()) + 1))


@_jit
def _best(programs: Ints, values: NDArray[np.float64], slots: Ints) -> NDArray[np.bool_]:
    n_programs = slots.size
    start, bucket = _buckets(programs, n_programs)
    keep = np.ones(programs.size, dtype=np.bool_)
    for p in range(n_programs):
        entries = bucket[start[p] : start[p + 1]]
        k = slots[p]
        if k < 0 or entries.size <= k:
            continue
        if k == 0:
            keep[entries] = False
            continue
        v = values[entries]
        bar = -np.partition(-v, k - 1)[k - 1]  # the k-th highest value
        room = k - np.count_nonzero(v > bar)  # ties at the bar kept in entry order
        for i in range(entries.size):
            if v[i] > bar:
                continue
            if v[i] == bar and room > 0:
                room -= 1
                continue
            keep[entries[i]] = False
    return keep


def within_slots(
    program: NDArray[np.int64], margin: Array, slots: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Which of its candidates a program invites: a program with interview slots (`slots`
    per program; negative: no limit) the `slots` that cleared its bar by the most (ties in
    entry order; below it only to fill slots: `Behaviour.reach`); every other candidate is
    kept (a program without slots has no candidates below its bar). The same choice as
    ranking each program's candidates (`ranks_within_programs`) and keeping the first
    `slots`, without ordering the rest."""
    if program.size == 0:
        return np.ones(0, dtype=bool)
    if program.min() < 0 or program.max() >= slots.size:
        raise ValueError("program indices must index the slots")
    return np.asarray(
        _best(
            np.ascontiguousarray(program, dtype=np.int64),
            np.ascontiguousarray(margin, dtype=np.float64),
            np.ascontiguousarray(slots, dtype=np.int64),
        )
    )


def program_ranks(
    draw: Draw, tau: Array, shift: Array, impression_sd: float = 0.0
) -> tuple[IntArray, IntArray]:
    """Each program's rank of each interviewee, best first (rank 0), by the evaluation
    margin + shift + tau * eta + impression_sd * impression with `tau` and `shift` per cohort:
    what the program saw when it invited (A + S - logit(coin): the application's cell, the
    strength every program sees and its own view at the invitation), how it weighs the type
    beyond that, what its interview adds and how the applicant comes across at every
    interview alike (`impression_sd`), as (rank_of, sup_rank_of) of the
    rank order lists and the supplemental lists: the draw ranked again under other
    parameters, every other random draw held fixed (common random numbers)."""
    rank_of = np.full(draw.applicant_ranks.shape, -1, dtype=np.int32)
    sup_rank_of = np.full(draw.sup_ranks.shape, -1, dtype=np.int32)
    if draw.rows.size == 0:
        return rank_of, sup_rank_of
    who = draw.cohort[draw.rows]
    values = draw.margin + shift[who] + tau[who] * draw.noise
    if impression_sd > 0:
        values = values + impression_sd * draw.impression[draw.rows]
    ranks = ranks_within_programs(draw.programs, values)
    primary = draw.lists == 0
    rank_of[draw.rows[primary], draw.cols[primary]] = ranks[primary]
    sup_rank_of[draw.rows[~primary], draw.cols[~primary]] = ranks[~primary]
    return rank_of, sup_rank_of
