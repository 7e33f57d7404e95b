"""The national market's arithmetic on published totals: positions spread to a specialty's
NRMP total, applicants scaled to a type's national count, and the PGY-1 years' interview
cells borrowed from Internal Medicine (the prior of core.plan.pgy1, on the log-odds scale).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
IntArray = NDArray[np.int32]
MIN_STATE = 3  # programs a state needs for its median to stand in (core.plan.pgy1)


def spread_positions(seats: Sequence[int], known: Sequence[bool], total: int) -> IntArray:
    """Each program's positions, summing to the specialty's published `total`: programs with
    a known quota keep it; the others share what is left in proportion to their estimates
    (largest remainders), at least 1 each. When the known quotas alone exceed the total,
    they are kept and the others get 1."""
    seat = np.maximum(np.asarray(seats, dtype=np.int64), 1)
    fixed = np.asarray(known, dtype=bool)
    out = seat.copy()
    rest = int(total) - int(seat[fixed].sum())
    free = np.flatnonzero(~fixed)
    if free.size == 0:
        return out.astype(np.int32)
    if rest <= free.size:
        out[free] = 1
        return out.astype(np.int32)
    share = seat[free] / seat[free].sum() * rest
    base = np.maximum(np.floor(share).astype(np.int64), 1)
    left = rest - int(base.sum())
    if left > 0:
        base[np.argsort(-(share - np.floor(share)), kind="stable")[:left]] += 1
    out[free] = base
    return out.astype(np.int32)


def scaled_counts(counts: Sequence[float], total: float) -> list[int]:
    """Cell counts of one type scaled to the type's national `total`, rounded."""
    have = float(sum(counts))
    if have <= 0:
        return [0 for _ in counts]
    return [round(c * total / have) for c in counts]


def mean_interviews(counts_by_k: Array) -> float:
    """The mean number of interviews of the applicants with at least one, from the counts of
    applicants by their number of interviews (k = 0, 1, ...); 0 where none has one."""
    counts = np.asarray(counts_by_k, dtype=np.float64)[1:]
    total = float(counts.sum())
    return float(np.arange(1, counts.size + 1) @ counts / total) if total > 0 else 0.0


def borrowed_levels(
    parent: Array,
    anchor: Sequence[int],
    parent_state: Sequence[str],
    state: Sequence[str],
) -> tuple[Array, list[str]]:
    """Each PGY-1 track's population log-odds, borrowed from the parent specialty's
    programs (`parent`, one per program): the anchor program's own where the track has one
    (index >= 0), else the median of its state's (at least MIN_STATE programs), else the
    nation's; with the basis of each ("institution", "state", "nation")."""
    values = np.asarray(parent, dtype=np.float64)
    nation = float(np.median(values))
    by_state: dict[str, list[float]] = {}
    for v, s in zip(values, parent_state, strict=True):
        by_state.setdefault(s, []).append(float(v))
    out, basis = [], []
    for j, s in zip(anchor, state, strict=True):
        if j >= 0:
            out.append(float(values[j]))
            basis.append("institution")
        elif len(by_state.get(s, [])) >= MIN_STATE:
            out.append(float(np.median(by_state[s])))
            basis.append("state")
        else:
            out.append(nation)
            basis.append("nation")
    return np.array(out, dtype=np.float64), basis


def interview_slots(
    positions: IntArray, per_position: float, counted: Sequence[float | None]
) -> IntArray:
    """Each program's interview slots: its own published count of interviews where it has
    one (`counted`), else its positions times `per_position`; never fewer than its
    positions."""
    slots = np.rint(per_position * np.asarray(positions, dtype=np.float64))
    own = np.array([np.nan if c is None else c for c in counted], dtype=np.float64)
    slots = np.where(np.isnan(own), slots, np.rint(own)) if own.size else slots
    return np.maximum(slots, positions).astype(np.int32)
