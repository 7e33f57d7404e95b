"""Each program's ranking of its interviewees, compiled: the draw's entries (one per
interview) bucketed by program in entry order, then sorted within each program by the
program's evaluation, best first (core.match.market.program_ranks; a fit evaluation ranks the
drawn market again under other tau and shifts, so this runs at every evaluation)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from smartpick.core.match.acceptance import _jit

Ints = NDArray[np.integer[Any]]


@_jit
def _ranks(programs: Ints, values: NDArray[np.float64], n_programs: int) -> NDArray[np.int32]:
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
