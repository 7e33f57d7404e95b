"""The PGY-1 list of an applicant whose list has advanced programs: a prior, near them.

Transitional and preliminary years have no published program-level interview rates. The
prior, said wherever its numbers are shown: a PGY-1 track interviews the applicant as the
same institution's Internal Medicine program does, under the engine's model for this
applicant, node by node of the applicant's strength. Where the institution has no such
program joined, the median over the Internal Medicine programs in the track's state stands
in (the nation's when the state has fewer than MIN_STATE), and an interview converts into a
match as in Internal Medicine. Internal Medicine's categorical programs, not General
Surgery's, stand in for surgical preliminary years too: General Surgery's categorical
positions are among the most sought, its preliminary ones among the least (services.pgy1
cites the fill of each year). The prior leans cautious for all three years, since
categorical positions fill more often than preliminary and transitional ones.

The order: tracks near an advanced program of the list first (within NEAR_KM, or in its state
when only the state is known), since applicants want one city for both years; then tracks in
the same census division; then the rest; within a group by the chance alone. The count:
core.plan.decision.recommend, with the cost of not matching weighted by the chance of the
advanced list (a PGY-1 year is worth having only with an advanced position).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from smartpick.core.catalog import Pgy1Track, Program
from smartpick.core.fees import Tier, cost

Array = NDArray[np.float64]

NEAR_KM = 100.0
MIN_STATE = 3
EARTH_KM = 6371.0
NEAR, DIVISION, ELSEWHERE = 0, 1, 2


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True)
class Place:
    """Where a program is: coordinates when known, its state and census division."""

    point: tuple[float, float] | None
    state: str
    division: int | None


@dataclass(frozen=True)
class Nearest:
    group: int  # NEAR, DIVISION or ELSEWHERE
    distance_km: float | None  # to the nearest advanced program, when both have coordinates
    program: int | None  # index of that advanced program


def nearest(track: Place, advanced: Sequence[Place]) -> Nearest:
    """How near a track is to the advanced programs of the list (vectorized over them)."""
    best: tuple[float, int] | None = None
    located = [(i, a.point) for i, a in enumerate(advanced) if a.point is not None]
    if track.point is not None and located:
        points = np.radians([point for _, point in located])
        la1, lo1 = np.radians(track.point)
        h = (
            np.sin((points[:, 0] - la1) / 2) ** 2
            + np.cos(la1) * np.cos(points[:, 0]) * np.sin((points[:, 1] - lo1) / 2) ** 2
        )
        d = 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(1.0, h)))
        k = int(np.argmin(d))
        best = (float(d[k]), located[k][0])
    same_state = next((i for i, a in enumerate(advanced) if a.state == track.state), None)
    if best is not None and best[0] <= NEAR_KM:
        return Nearest(NEAR, best[0], best[1])
    if same_state is not None and (track.point is None or best is None):
        return Nearest(NEAR, None, same_state)
    divisions = {a.division for a in advanced if a.division is not None}
    group = DIVISION if track.division in divisions or same_state is not None else ELSEWHERE
    return Nearest(group, None if best is None else best[0], None if best is None else best[1])


@dataclass(frozen=True)
class Prior:
    """Each track's interview probability at each strength node, and its basis."""

    columns: Array  # nodes x tracks
    basis: tuple[str, ...]  # "institution", "state" or "nation" per track


def prior(p0: Array, parents: Sequence[Program], tracks: Sequence[Pgy1Track]) -> Prior:
    """The prior from the parent specialty's matrix `p0` (nodes x parent programs, in the
    order of `parents`); a program the applicant cannot enter (a zero column) is left out of
    the medians."""
    index = {p.acgme_id: j for j, p in enumerate(parents)}
    usable = p0.max(axis=0) > 0
    by_state: dict[str, list[int]] = {}
    for k, p in enumerate(parents):
        if usable[k]:
            by_state.setdefault(p.state, []).append(k)
    nation = np.median(p0[:, usable], axis=1) if usable.any() else np.zeros(p0.shape[0])
    state_median = {
        state: np.median(p0[:, ks], axis=1)
        for state, ks in by_state.items()
        if len(ks) >= MIN_STATE
    }
    cols, basis = [], []
    for t in tracks:
        j = index.get(t.anchor_acgme_id)
        if j is not None and usable[j]:
            cols.append(p0[:, j])
            basis.append("institution")
        elif t.state in state_median:
            cols.append(state_median[t.state])
            basis.append("state")
        else:
            cols.append(nation)
            basis.append("nation")
    columns = np.column_stack(cols) if cols else np.zeros((p0.shape[0], 0))
    return Prior(columns, tuple(basis))


def order(groups: Sequence[int], alone: Array) -> list[int]:
    """Tracks by group, then by the chance alone (best first); ties by position."""
    return sorted(range(len(groups)), key=lambda k: (groups[k], -float(alone[k]), k))


@dataclass(frozen=True)
class Curve:
    p_match: Array  # P(a PGY-1 position) with the first h tracks of the order, h = 1..n
    expected_interviews: Array
    fees: Array  # the ERAS fees of the first h tracks, each PGY-1 specialty billed on its own


def curve(
    w: Array, q: Array, columns: Array, kinds: Sequence[str], schedule: Sequence[Tier]
) -> Curve:
    """Chances and fees of every prefix of `columns` (already in order): a node's chance of no
    position is the product of (1 - p q) over the list, as for the main list."""
    f = columns * q[:, None]
    miss = np.cumprod(1 - f, axis=1)
    p_match = 1 - w @ miss
    expected = np.cumsum(w @ columns)
    counts: dict[str, int] = {}
    fees = []
    for kind in kinds:
        counts[kind] = counts.get(kind, 0) + 1
        fees.append(sum(cost(schedule, n) for n in counts.values()))
    return Curve(p_match, expected, np.asarray(fees, dtype=np.float64))


def alone(w: Array, q: Array, columns: Array) -> Array:
    """Each track's chance of a position if it were the only one on the list."""
    return np.asarray(w @ (columns * q[:, None]), dtype=np.float64)


def interview_chances(w: Array, columns: Array) -> Array:
    return np.asarray(w @ columns, dtype=np.float64)


def supplemental(w: Array, q: Array, size: int) -> Array:
    """The chance of matching at each rank of a supplemental list of `size` PGY-1 programs
    where the applicant interviewed, given an advanced match: each takes the applicant with
    the conversion q at each strength node, in the order of the list."""
    ranks = np.arange(size)
    reach = (1 - q[:, None]) ** ranks[None, :]  # no program above took the applicant
    return np.asarray(w @ (reach * q[:, None]), dtype=np.float64)
