"""The season as it happens: the chance of matching given the answers so far, the invitations
still likely to come, and what applying to more programs now would add.

The answers are evidence of strength (as in core.plan.rank and core.plan.options): at each
strength node S the applicant's own answers have the likelihood

    prod_invited p_j(S) * prod_rejected (1 - p_j(S)) * prod_waiting (1 - p_j(S) F)

where p_j(S) is program j's chance of inviting over the whole season and F the share of a
season's invitations already sent by today. A program that invites sends its invitation at
a time spread like the season's invitations, so a program still silent today invites later
with the chance

    r_j(S) = p_j(S) (1 - F) / (1 - p_j(S) F):

silence late in the season mostly means no. F comes from how far the invitation season has
gone (`invitations_sent`, SmartPick's assumption: docs/model.md, 'The season as it happens').
Each interview converts to a match with the model's conversion q(S), as every list's does.
A program applied to now is read by programs whose invitations are mostly sent: its chance of
inviting is p_j(S) (1 - F), discounted by the same factor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from smartpick.core.model.evaluation import Context, Draw, Evaluator, interval95
from smartpick.core.model.parameters import conversion, interview, strength

Array = NDArray[np.float64]
# The share of a season's invitations still to come after a share e of the invitation season
# (programs' first review to the rank order list deadline) is (1 - e) ** FRONT_LOADING:
# SmartPick's assumption, chosen on the safe side (docs/model.md).
FRONT_LOADING = 4.0


def season_elapsed(today: dt.date, review: dt.date, deadline: dt.date) -> float:
    """The share of the invitation season gone by `today`: 0 before programs start
    reviewing, 1 from the rank order list deadline on."""
    span = (deadline - review).days
    if span <= 0:
        return 1.0
    return float(min(max((today - review).days / span, 0.0), 1.0))


def invitations_sent(elapsed: float) -> float:
    """F: the share of a season's invitations sent when a share `elapsed` of the invitation
    season has gone. It rises from 0 to 1, fastest at the start."""
    e = min(max(elapsed, 0.0), 1.0)
    return float(1.0 - (1.0 - e) ** FRONT_LOADING)


def still_invites(p: Array, sent: float) -> Array:
    """r: the chance that a program still silent invites later, from its whole-season chance
    `p` and the share of invitations already sent."""
    return np.asarray(p * (1.0 - sent) / np.maximum(1.0 - p * sent, 1e-12), dtype=np.float64)


def posterior(w: Array, invited: Array, rejected: Array, waiting: Array, sent: float) -> Array:
    """The strength nodes' weights given the answers; each array is (Q, programs) of the
    programs' whole-season chances of inviting. Uniform when no answer is possible."""
    like = (
        np.prod(invited, axis=1)
        * np.prod(1.0 - rejected, axis=1)
        * np.prod(1.0 - waiting * sent, axis=1)
    )
    weight = w * like
    total = weight.sum()
    return np.asarray(weight / total if total > 0 else w, dtype=np.float64)


def miss_now(q: Array, interviews: int, waiting: Array, sent: float) -> Array:
    """(Q,) the chance of no match at each node: every interview held and every program still
    silent that later invites fail to convert."""
    pending = np.prod(1.0 - still_invites(waiting, sent) * q[:, None], axis=1)
    return np.asarray((1.0 - q) ** interviews * pending, dtype=np.float64)


@dataclass(frozen=True)
class Added:
    """A program to apply to now: its index in the context, its chance of inviting (the
    updated strength, discounted for lateness) and what it adds to the chance of matching
    after the ones before it."""

    program: int
    p_interview: float
    adds: float


@dataclass(frozen=True)
class Outlook:
    """Where the season stands: the chance of matching from the interviews held alone and
    with the programs still silent, its interval over the parameter draws, the invitations
    still expected, each silent program's chance of still inviting, and the best programs to
    add now with the chance after adding each."""

    sent: float
    p_from_interviews: float
    p_match_now: float
    p_match_now_interval: tuple[float, float]
    expected_more: float
    still: tuple[float, ...]
    added: tuple[Added, ...]
    p_with_added: tuple[float, ...]


def outlook(
    evaluator: Evaluator,
    ctx: Context,
    draws: Sequence[Draw],
    score: int | None,
    answers: tuple[Sequence[int], Sequence[int], Sequence[int]],
    sent: float,
    add_at_most: int,
    signals: Mapping[int, str] | None = None,
    unread_interviews: int = 0,
) -> Outlook:
    """The season for the programs answered so far, `answers` = (invited, rejected, waiting)
    indexing the context's programs (withdrawn ones left out), `signals` the tier of the
    signal sent to each (by the same index; none where absent). A program the applicant
    applied to counts even where the model would exclude it (the visa): its answer is fact.
    The best `add_at_most` programs not applied to, among those that can take the applicant,
    are added one at a time, best first by their late chance of inviting (without a signal:
    signals go with the applications, by the season's deadline). `unread_interviews`:
    invitations from programs the model has no rates for, counted as interviews that convert
    like the others but not read as evidence of strength."""
    invited, rejected, waiting = (np.asarray(a, dtype=np.int64) for a in answers)
    applied = replace(ctx, allowed=np.ones_like(ctx.allowed))
    point = Draw(ctx.params, ctx.cells)
    w, p_all, q = evaluator.matrices(applied, point, score, None)
    p_all = p_all.copy()
    for tier, cols in _by_tier(signals or {}).items():
        p_all[:, cols] = evaluator.matrices(applied, point, score, tier)[1][:, cols]
    post = posterior(w, p_all[:, invited], p_all[:, rejected], p_all[:, waiting], sent)
    held = invited.size + unread_interviews
    miss = miss_now(q, held, p_all[:, waiting], sent)
    still = still_invites(p_all[:, waiting], sent)
    taken = set(invited.tolist()) | set(rejected.tolist()) | set(waiting.tolist())
    open_ = np.array(
        [j for j in np.flatnonzero(ctx.allowed > 0) if int(j) not in taken], dtype=np.int64
    )
    added: list[Added] = []
    with_added: list[float] = []
    if open_.size and sent < 1.0 and add_at_most > 0:
        late = p_all[:, open_] * (1.0 - sent)
        best = np.argsort(-(post @ late), kind="stable")[:add_at_most]
        before = 1.0 - float(post @ miss)
        for k in best:
            miss = miss * (1.0 - late[:, k] * q)
            now = 1.0 - float(post @ miss)
            added.append(Added(int(open_[k]), float(post @ late[:, k]), now - before))
            with_added.append(now)
            before = now
    return Outlook(
        sent,
        1.0 - float(post @ (1.0 - q) ** held),
        1.0 - float(post @ miss_now(q, held, p_all[:, waiting], sent)),
        _interval(
            evaluator,
            applied,
            draws,
            score,
            (invited, rejected, waiting),
            sent,
            signals or {},
            unread_interviews,
        ),
        float(post @ still.sum(axis=1)),
        tuple(float(v) for v in post @ still),
        tuple(added),
        tuple(with_added),
    )


def _by_tier(signals: Mapping[int, str]) -> dict[str, NDArray[np.int64]]:
    """The programs signaled with each tier."""
    tiers: dict[str, list[int]] = {}
    for j, tier in signals.items():
        tiers.setdefault(tier, []).append(j)
    return {t: np.array(sorted(js), dtype=np.int64) for t, js in tiers.items()}


def _interval(
    evaluator: Evaluator,
    ctx: Context,
    draws: Sequence[Draw],
    score: int | None,
    answers: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]],
    sent: float,
    signals: Mapping[int, str],
    unread_interviews: int = 0,
) -> tuple[float, float]:
    """The 95% interval of the chance of matching now over the parameter draws (each draw
    reweighs its own strength nodes by the answers)."""
    invited, rejected, _ = answers
    programs = np.concatenate(answers)
    signaled = {t: np.isin(programs, cols) for t, cols in _by_tier(signals).items()}
    values = []
    for k, draw in enumerate(draws):
        nodes = strength(draw.params, ctx.pool, score)
        intercepts = evaluator.draw_intercepts(ctx, k, draw, None, programs).copy()
        for tier, at in signaled.items():
            if at.any():
                intercepts[at] = evaluator.draw_intercepts(ctx, k, draw, tier, programs[at])
        p = interview(intercepts, nodes.s)
        a, b = invited.size, invited.size + rejected.size
        q = conversion(draw.params, nodes)
        post = posterior(nodes.w, p[:, :a], p[:, a:b], p[:, b:], sent)
        values.append(1.0 - float(post @ miss_now(q, a + unread_interviews, p[:, b:], sent)))
    if not values:
        return (0.0, 1.0)
    return interval95(values)
