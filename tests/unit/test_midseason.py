"""The season as it happens (core.plan.midseason): silence late in the season means less, a
rejection lowers the chance of matching and an invitation raises it."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pytest

from smartpick.core.model.interview import expit
from smartpick.core.model.outcomes import normal_nodes
from smartpick.core.plan.midseason import (
    invitations_sent,
    miss_now,
    posterior,
    season_elapsed,
    still_invites,
)

REVIEW, DEADLINE = dt.date(2026, 9, 23), dt.date(2027, 3, 3)
S, W = normal_nodes(16)
Q = expit(0.4 + 0.8 * S)


def chances(anchors: list[float]) -> np.ndarray:
    return np.asarray(expit(np.asarray(anchors)[None, :] + S[:, None]))


def p_match_now(
    invited: list[float], rejected: list[float], waiting: list[float], sent: float
) -> float:
    """The chance of matching now, as core.plan.midseason.outlook computes it."""
    inv, rej, wait = chances(invited), chances(rejected), chances(waiting)
    post = posterior(W, inv, rej, wait, sent)
    return 1.0 - float(post @ miss_now(Q, len(invited), wait, sent))


def test_the_share_of_the_season_gone_is_clamped_to_the_season() -> None:
    assert season_elapsed(dt.date(2026, 8, 1), REVIEW, DEADLINE) == 0.0
    assert season_elapsed(dt.date(2027, 4, 1), REVIEW, DEADLINE) == 1.0
    assert 0.4 < season_elapsed(dt.date(2026, 12, 6), REVIEW, DEADLINE) < 0.5


def test_invitations_are_sent_early_in_the_season() -> None:
    assert invitations_sent(0.0) == 0.0 and invitations_sent(1.0) == 1.0
    assert invitations_sent(0.5) > 0.9  # most invitations are out by mid-season


@pytest.mark.parametrize("p", [0.1, 0.5, 0.9])
def test_the_late_silence_factor_falls_with_the_date(p: float) -> None:
    dates = [dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 6), dt.date(2027, 1, 15)]
    still = [
        float(
            still_invites(np.array([p]), invitations_sent(season_elapsed(d, REVIEW, DEADLINE)))[0]
        )
        for d in dates
    ]
    assert all(a > b for a, b in itertools.pairwise(still))
    assert still[0] < p  # a program silent after the first week already invites less


def test_silence_lowers_the_weight_of_strong_nodes() -> None:
    wait = chances([0.0] * 10)
    early, late = (
        posterior(W, wait[:, :0], wait[:, :0], wait, 0.1),
        posterior(W, wait[:, :0], wait[:, :0], wait, 0.9),
    )
    assert float(late @ S) < float(early @ S) < float(W @ S) + 1e-12


def test_rejections_lower_the_chance() -> None:
    sent = invitations_sent(0.46)
    base = p_match_now([0.0, 0.0], [], [0.0] * 18, sent)
    rejected = p_match_now([0.0, 0.0], [0.0] * 10, [0.0] * 8, sent)
    assert rejected < base


def test_an_extra_invitation_raises_the_chance() -> None:
    sent = invitations_sent(0.46)
    two = p_match_now([0.0, 0.0], [0.0] * 10, [0.0] * 18, sent)
    three = p_match_now([0.0, 0.0, 0.0], [0.0] * 10, [0.0] * 17, sent)
    assert three > two


def test_silent_programs_add_more_early_than_late() -> None:
    early = p_match_now([0.0], [], [0.0] * 18, invitations_sent(0.1))
    late = p_match_now([0.0], [], [0.0] * 18, invitations_sent(0.8))
    assert early > late
