"""The Supplemental Offer and Acceptance Program (SOAP) after the Match: the positions left
unfilled are offered to applicants left unmatched, in a second round of matching restricted
to both (METHODS §4.1; the NRMP publishes the positions offered and filled).

- `soap_lists`: each unmatched applicant with a rank order list applies to a few programs
  with unfilled positions (a Poisson number, at most the NRMP's 45), chosen with chances
  rising with the program's population interview rate for the applicant's type, as in the
  Match (core.match.market); a program considers an application with the chance it would
  have interviewed them (its no-signal, out-of-state cell), raised by `consideration`
  (log-odds: a program with positions to fill within days looks further than in the
  season; fitted to the NRMP's SOAP fill, `consideration_for`), and ranks those it
  considers by the same evaluation as in the Match.
- `soap_round`: deferred acceptance on those lists with each program's unfilled positions.
  The NRMP's SOAP runs in offer rounds over two days; applicant-proposing deferred
  acceptance stands in for them (both end with no program and applicant who would rather
  have each other among the offers made).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from smartpick.core.match.acceptance import Ints, checked_lists, da_kernel
from smartpick.core.model.interview import expit

Array = NDArray[np.float64]
IntsT = TypeVar("IntsT", bound=NDArray[np.integer[Any]])
MAX_APPLICATIONS = 45  # the NRMP's limit on SOAP applications per applicant
CONSIDERATION_BOUNDS = (-5.0, 15.0)  # log-odds: from far stricter than the Match to everyone


@dataclass(frozen=True)
class SoapLists:
    applicants: NDArray[np.int64]  # (u,) the unmatched applicants who take part
    ranks: Ints  # (u, k) programs with unfilled positions, best liked first, -1 padded
    rank_of: Ints  # (u, k) the program's rank of the applicant, -1: not considered


def soap_lists(
    eligible: NDArray[np.bool_],
    types: NDArray[np.int64],
    strength: Array,
    evaluation_shift: Array,
    tau: Array,
    free: NDArray[np.int64],
    log_rate: Array,
    intercept: Array,
    mean: float,
    rng: np.random.Generator,
    consideration: float = 0.0,
) -> SoapLists:
    """SOAP applications of the `eligible` applicants (unmatched, with a rank order list):
    `types` (n,) indexes the rows of `log_rate` and `intercept` (types, programs), the
    applicant type's population rate and no-signal out-of-state intercept at each program
    (-inf where the type cannot apply); `free` (programs,) unfilled positions;
    `evaluation_shift` and `tau` (n,) how programs evaluate each applicant (S + shift +
    tau eta). Draws are with replacement, duplicates dropped, so a few lists are shorter.
    Every random number is drawn whatever `consideration` is (common random numbers): a
    larger one only adds programs to what each applicant is considered for."""
    who = np.flatnonzero(eligible)
    open_programs = np.flatnonzero(free > 0)
    if who.size == 0 or open_programs.size == 0:
        empty = np.full((who.size, 1), -1, dtype=np.int32)
        return SoapLists(who, empty, empty.copy())
    count = np.clip(rng.poisson(mean, who.size), 1, MAX_APPLICATIONS)
    width = int(count.max())
    ranks = np.full((who.size, width), -1, dtype=np.int64)
    for g in np.unique(types[who]):
        mine = np.flatnonzero(types[who] == g)
        weight = np.exp(log_rate[g, open_programs])
        usable = np.isfinite(weight) & (weight > 0)
        if not usable.any():
            continue
        cdf = np.cumsum(np.where(usable, weight, 0.0))
        picks = np.searchsorted(cdf, rng.random((mine.size, width)) * cdf[-1], side="right")
        picks = open_programs[np.minimum(picks, open_programs.size - 1)]
        picks[np.arange(width)[None, :] >= count[mine][:, None]] = -1
        ranks[mine] = _unique_rows(picks)
    listed = ranks >= 0
    p = np.where(listed, ranks, 0)
    g = types[who][:, None]
    s = strength[who][:, None]
    chance, eta = rng.random(ranks.shape), rng.standard_normal(ranks.shape)
    considered = listed & (chance < expit(intercept[g, p] + s + consideration))
    rows, cols = np.nonzero(considered)  # kept in place: each pair keeps its own eta
    programs = ranks[rows, cols]
    value = strength[who][rows] + evaluation_shift[who][rows] + tau[who][rows] * eta[rows, cols]
    order = np.lexsort((-value, programs))
    first = np.searchsorted(programs[order], programs[order], side="left")
    # each considered pair's rank in its program's list, where the pair was drawn
    placed = np.full(ranks.shape, -1, dtype=np.int32)
    placed[rows[order], cols[order]] = (np.arange(order.size) - first).astype(np.int32)
    # the considered pairs packed to the left of each row, in the applicant's order
    packed = _pack_left(considered, ranks.astype(np.int32))
    rank_of = _pack_left(considered, placed)
    return SoapLists(who, packed, rank_of)


def _pack_left(keep: NDArray[np.bool_], values: IntsT) -> IntsT:
    """Each row's `values` where `keep`, in their order, packed to the left, -1 padded."""
    out: IntsT = np.full_like(values, -1)
    r, c = np.nonzero(keep)
    out[r, (np.cumsum(keep, axis=1) - 1)[r, c]] = values[r, c]
    return out


def _unique_rows(picks: NDArray[np.int64]) -> NDArray[np.int64]:
    """Each row's programs without repeats, in first-drawn order, packed left, -1 padded."""
    width = picks.shape[1]
    if width == 0:
        return picks
    order = np.argsort(np.where(picks >= 0, picks, np.iinfo(np.int64).max), axis=1, kind="stable")
    sorted_picks = np.take_along_axis(picks, order, axis=1)
    repeat = np.zeros_like(sorted_picks, dtype=bool)
    repeat[:, 1:] = sorted_picks[:, 1:] == sorted_picks[:, :-1]
    keep = np.zeros_like(picks, dtype=bool)
    np.put_along_axis(keep, order, ~repeat & (sorted_picks >= 0), axis=1)
    return _pack_left(keep, picks)


def soap_round(lists: SoapLists, free: object, match: object) -> NDArray[np.int32]:
    """The SOAP's placements: each applicant's program (-1: none), for all applicants of
    `match` (their Match result, -1 unmatched), by deferred acceptance over `lists` with each
    program's `free` positions. Refuses a list of an applicant matched in the Match or a
    program without unfilled positions."""
    ranks, rank_of, caps = checked_lists(lists.ranks, lists.rank_of, free)
    before = np.asarray(match)
    if (before[lists.applicants] >= 0).any():
        raise ValueError("an applicant matched in the Match has a SOAP list")
    listed = ranks >= 0
    if (caps[np.where(listed, ranks, 0)][listed] <= 0).any():
        raise ValueError("a SOAP list names a program without unfilled positions")
    placed, _ = da_kernel(ranks, rank_of, caps)
    out = np.full(before.size, -1, dtype=np.int32)
    out[lists.applicants] = placed
    return out


def consideration_for(
    share_at: Callable[[float], float], share: float, steps: int = 16
) -> tuple[float, float]:
    """The consideration at which the SOAP fills `share` of the positions it is offered, by
    bisection within CONSIDERATION_BOUNDS (`share_at`: the share filled at a consideration,
    on the same random numbers each time, so that it rises with it); with the share reached
    there. Where even the bounds cannot reach it, the nearer bound."""
    lo, hi = CONSIDERATION_BOUNDS
    for bound in (lo, hi):
        reached = share_at(bound)
        if (bound == lo and reached > share) or (bound == hi and reached < share):
            return bound, reached
    for _ in range(steps):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if share_at(mid) < share else (lo, mid)
    best = (lo + hi) / 2
    return best, share_at(best)
