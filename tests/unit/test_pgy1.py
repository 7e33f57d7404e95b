"""The PGY-1 list's pure parts (core.plan.pgy1): nearness, the prior's basis, the curve."""

from __future__ import annotations

import numpy as np

from smartpick.core.catalog import Pgy1Track, Program
from smartpick.core.fees import Tier
from smartpick.core.plan import pgy1

CLEVELAND = (41.50, -81.69)
AKRON = (41.08, -81.52)
DENVER = (39.74, -104.99)


def _track(
    code: str, state: str, anchor: str = "", point: tuple[float, float] | None = None
) -> Pgy1Track:
    lat, lon = point if point else (None, None)
    return Pgy1Track(
        code, "transitional_year", "Inst", "Transitional", "", state, lat, lon, "", "", anchor
    )


def _program(acgme_id: str, state: str) -> Program:
    return Program(
        acgme_id,
        "P",
        "internal_medicine",
        "",
        state,
        None,
        None,
        3,
        "categorical",
        "",
        "unknown",
        "unknown",
    )


def test_distance_is_great_circle() -> None:
    assert pgy1.distance_km(CLEVELAND, CLEVELAND) == 0
    assert 45 < pgy1.distance_km(CLEVELAND, AKRON) < 55
    assert 1900 < pgy1.distance_km(CLEVELAND, DENVER) < 2000


def test_nearness_groups() -> None:
    advanced = [pgy1.Place(CLEVELAND, "OH", 3), pgy1.Place(None, "TX", 7)]
    near = pgy1.nearest(pgy1.Place(AKRON, "OH", 3), advanced)
    assert near.group == pgy1.NEAR and near.program == 0 and near.distance_km is not None
    # Only a state known: near when an advanced program is in that state.
    assert pgy1.nearest(pgy1.Place(None, "TX", 7), advanced).group == pgy1.NEAR
    # Far but in an advanced program's census division.
    assert pgy1.nearest(pgy1.Place(DENVER, "IN", 3), advanced).group == pgy1.DIVISION
    assert pgy1.nearest(pgy1.Place(DENVER, "CO", 8), advanced).group == pgy1.ELSEWHERE


def test_prior_reads_the_institution_then_the_state_then_the_nation() -> None:
    parents = [_program(f"14000000{i:02d}", "OH" if i < 3 else "CA") for i in range(5)]
    p0 = np.array([[0.9, 0.5, 0.1, 0.3, 0.0], [0.8, 0.4, 0.2, 0.2, 0.0]])
    tracks = [
        _track("1000999P0", "OH", anchor=parents[0].acgme_id),
        _track("1001999P0", "OH"),
        _track("1002999P0", "CA"),  # two usable CA programs only: the nation's median
        _track("1003999P0", "OH", anchor=parents[4].acgme_id),  # its anchor cannot take you
    ]
    prior = pgy1.prior(p0, parents, tracks)
    assert prior.basis == ("institution", "state", "nation", "state")
    assert np.allclose(prior.columns[:, 0], p0[:, 0])
    assert np.allclose(prior.columns[:, 1], np.median(p0[:, :3], axis=1))
    assert np.allclose(prior.columns[:, 2], np.median(p0[:, :4], axis=1))


def test_curve_rises_and_fees_reset_for_each_year() -> None:
    w = np.array([0.5, 0.5])
    q = np.array([0.6, 0.8])
    columns = np.array([[0.5, 0.4, 0.3], [0.7, 0.6, 0.5]])
    schedule = [Tier(1, 2, 10.0, "per_program"), Tier(3, None, 30.0, "per_program")]
    c = pgy1.curve(w, q, columns, ["a", "b", "a"], schedule)
    assert np.all(np.diff(c.p_match) > 0) and c.p_match[-1] < 1
    first = 1 - w @ (1 - columns[:, 0] * q)
    assert np.isclose(c.p_match[0], first)
    # Two of year a and one of year b: each year's count starts at the first tier.
    assert list(c.fees) == [10.0, 20.0, 30.0]
    assert np.allclose(c.expected_interviews, np.cumsum(w @ columns))


def test_order_puts_near_tracks_first_then_the_likelier() -> None:
    assert pgy1.order([1, 0, 0, 2], np.array([0.9, 0.2, 0.5, 0.99])) == [2, 1, 0, 3]
