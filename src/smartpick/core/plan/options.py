"""What the applicant prefers or already knows, as numbers on a solved list: each program's
worth from ratings and regions, the expected worth of a list, the update from interview
invitations received, and the best split of applications between the preferred and the backup
specialty (a parallel plan)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from smartpick.core.catalog import IDS_HINT
from smartpick.core.model.evaluation import Context
from smartpick.core.plan.midseason import still_invites
from smartpick.core.plan.optimize import mixture_greedy
from smartpick.core.plan.rank import match_at
from smartpick.core.plan.solution import Solution
from smartpick.errors import InputError

Array = NDArray[np.float64]
UNRATED = 5.0  # the rating of a program left unrated when others are rated (1-10)
WORTH_IT = 0.01  # more applications are worth it when they add at least a point


def utilities(
    ctx: Context,
    ratings: Mapping[str, float],
    divisions: Sequence[int],
    other_region_value: float,
    notes: list[str],
) -> Array | None:
    """Each program's worth to the applicant, 0-1 (going unmatched is 0): the rating / 10
    (unrated programs 5 when some are rated), times `other_region_value` outside the
    preferred census divisions. None when nothing is given: the goal is then to match."""
    if not ratings and not divisions:
        return None
    ids = {p.acgme_id: j for j, p in enumerate(ctx.programs)}
    worth = np.full(len(ctx.programs), UNRATED / 10 if ratings else 1.0)
    for pid, rating in ratings.items():
        if pid not in ids:
            raise InputError(
                f"rated program '{pid}' is not among the specialty's programs",
                field="rate",
                hint=IDS_HINT,
            )
        if not 1 <= rating <= 10:
            raise InputError(
                f"rating {rating:g} for {pid}: use 1 (least wanted) to 10", field="rate"
            )
        worth[ids[pid]] = rating / 10
    if ratings:
        notes.append(f"programs you did not rate count as {UNRATED:g} of 10")
    if divisions:
        if not 0 < other_region_value <= 1:
            raise InputError(
                f"other-region value {other_region_value:g}: between 0 and 1",
                field="other_region_value",
            )
        inside = np.array([p.census_division in divisions for p in ctx.programs])
        worth = np.where(inside, worth, worth * other_region_value)
        notes.append(
            f"a program outside census divisions {', '.join(map(str, sorted(divisions)))} "
            f"counts {other_region_value:g} of one inside (your preference, not a data figure)"
        )
    return np.asarray(worth, dtype=np.float64)


def list_value(sol: Solution, chosen: list[int], sig: dict[int, int]) -> float:
    """E[worth of where you match] under correlated strength (0 when unmatched)."""
    assert sol.utility is not None
    worth = sol.utility
    order = sorted(chosen, key=lambda j: -worth[j])
    f = np.column_stack([sol.f_nodes[sig.get(j, 0)][:, j] for j in order])
    return float(match_at(range(len(order)), f, sol.w) @ worth[order])


def season_update(
    sol: Solution,
    chosen: list[int],
    sig: dict[int, int],
    interviews: Sequence[str],
    sent: float = 0.0,
) -> dict[str, Any]:
    """The chances given the interview invitations received so far, and whether applying to
    more programs is worth it. The invitations are evidence of strength: the strength nodes
    are reweighted by the chance of receiving them, and by the silence of the programs that
    have not answered when a share `sent` of the season's invitations has gone out; those
    programs then invite only with core.plan.midseason's late chance, and programs applied to
    now are discounted by 1 - sent (sent = 0 before programs start reviewing)."""
    ids = {sol.ctx.programs[i].acgme_id: k for k, i in enumerate(sol.sub)}
    invited = []
    for entry in interviews:
        pid = entry.strip()
        if pid not in ids:
            raise InputError(
                f"interview at '{pid}': not among the programs of the specialty that can take you",
                field="interviews",
                hint=IDS_HINT,
            )
        invited.append(ids[pid])
    p_by_option = [sol.p0[:, sol.sub], *[p[:, sol.sub] for p in sol.p_tier]]

    def p_of(j: int) -> Array:
        return p_by_option[sig.get(j, 0)][:, j]

    pending = [j for j in chosen if j not in invited]
    silence = [1 - p_of(j) * sent for j in pending]
    weight = sol.w * np.prod([p_of(j) for j in invited], axis=0) * np.prod(silence, axis=0)
    weight = weight / weight.sum()
    q = sol.q
    in_hand = np.prod([1 - q for _ in invited], axis=0)
    later = [still_invites(p_of(j), sent) for j in pending]
    waiting = np.prod([1 - r * q for r in later], axis=0) if pending else 1.0
    now = 1 - float(weight @ in_hand)
    with_pending = 1 - float(weight @ (in_hand * waiting))
    # The best programs not applied to yet, greedily under the updated strength.
    applied = set(chosen) | set(invited)
    rest = [j for j in range(sol.sub.size) if j not in applied]
    more = []
    if rest:
        f_rest = sol.p0[:, sol.sub[rest]] * q[:, None] * (1.0 - sent)
        base = in_hand * waiting
        order = mixture_greedy(weight, f_rest, np.ones(len(rest)), 10).order
        for k in (5, 10):
            picks = order[:k]
            miss = base * np.prod(1 - f_rest[:, picks], axis=1)
            more.append(
                {
                    "programs": len(picks),
                    "p_match": round(1 - float(weight @ miss), 4),
                    "gain": round(1 - float(weight @ miss) - with_pending, 4),
                }
            )
    gain = more[-1]["gain"] if more else 0.0
    advice = (
        f"applying to {more[-1]['programs']} more programs would add about {gain:.0%}: worth it"
        if gain >= WORTH_IT
        else "more applications would add less than a point: not worth it"
    )
    return {
        "interviews": len(invited),
        "p_match_from_interviews": round(now, 4),
        "p_match_with_pending": round(with_pending, 4),
        "more_programs": more,
        "advice": advice,
        "method": "strength reweighted by the invitations received and the silence of the "
        "programs that have not answered; the list applied to is the recommended one plus the "
        f"programs that invited you; with about {sent:.0%} of the season's invitations sent "
        "by today, a program that has not answered invites later only with a late chance "
        "(SmartPick's assumption on when invitations go out, as in the season's reading of "
        "your answers), and a program applied to now is discounted the same way. How each "
        "interview turns into a match is the model's weakest part (docs/model.md, known "
        "limits): the chance from a few interviews is optimistic",
    }


@dataclass(frozen=True)
class Split:
    """A parallel plan's split: how many applications go to each specialty, and the chances
    of matching in the preferred one and anywhere (the backup ranked below every preferred
    program, both under the strength they share)."""

    preferred: int
    backup: int
    p_preferred: float
    p_any: float


def best_split(
    sol: Solution,
    sol_b: Solution,
    costs_a: Sequence[float],
    costs_b: Callable[[int], Sequence[float]],
    total_n: int | None,
    total_cost: float,
    backup_value: float,
) -> tuple[Split | None, list[Split]]:
    """Every split of the count (`total_n`) or of the money (`total_cost`) tried, each side its
    specialty's best list of that size; the best by P(preferred) + `backup_value` x P(backup
    only), and the frontier of every split tried. `costs_a[h]` is the preferred side's fee for
    h programs, `costs_b(h)` the backup's fees for every size after h preferred ones."""
    w = sol.w
    best: tuple[float, Split] | None = None
    frontier = []
    for h1 in range(sol.miss.shape[0]):
        if total_n is not None:
            h2 = total_n - h1
            if not 0 <= h2 < sol_b.miss.shape[0]:
                continue
        else:
            fits = np.flatnonzero(costs_a[h1] + np.asarray(costs_b(h1)) <= total_cost + 1e-9)
            if fits.size == 0:
                continue
            h2 = int(fits.max())
        pref = 1 - float(w @ sol.miss[h1])
        anywhere = 1 - float(w @ (sol.miss[h1] * sol_b.miss[h2]))
        split = Split(h1, h2, pref, anywhere)
        frontier.append(split)
        value = pref + backup_value * (anywhere - pref)
        if best is None or value > best[0] + 1e-12:
            best = (value, split)
    return (None if best is None else best[1]), frontier
