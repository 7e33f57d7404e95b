"""Simulated moments (core.match.smm, core.match.moments): the fit finds the parameters a market
was made with, behaviour included; the national moments count what they say."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from smartpick.core.match import smm
from smartpick.core.match.applications import Behaviour
from smartpick.core.match.engine_terms import prepare
from smartpick.core.match.market import Cohort, SpecialtyMarket
from smartpick.core.match.moments import (
    SHARE_MISFIT,
    NationalTargets,
    Outcome,
    national_moments,
)
from smartpick.core.match.national import Market, seeds
from smartpick.core.model.parameters import Params, Pool
from smartpick.core.model.targets import median_of


def _specialty() -> SpecialtyMarket:
    rng = np.random.default_rng(3)
    m = 60
    level = rng.normal(-0.5, 0.6, m)

    def cohort(g: str, n: int, centre: float) -> Cohort:
        return Cohort(
            applicant_type=g, count=n, params=Params(0.9, 0.6, 0.0),
            pool=Pool(centre=centre, sd=14.0, var_z=1.1), match_share=0.7,
            matched=(centre + 5, 14.0), unmatched=(centre - 8, 14.0), applications=8.0,
            level=level, tau=1.0,
        )  # fmt: skip

    return prepare(
        SpecialtyMarket(
            specialty="x", program_ids=tuple(f"{i:010d}" for i in range(m)),
            positions=np.full(m, 12, dtype=np.int32), location=np.zeros(m), signal={},
            in_state_share=0.0, signal_share={}, signal_limit={},
            cohorts=(cohort("md", 700, 248.0), cohort("non-us-img", 400, 236.0)),
        )
    )  # fmt: skip


def _market() -> Market:
    return Market(specialties=(_specialty(),), notes=(), left_out=())


CELLS = [smm.CellTarget(0, "md", 0, 0, 14.0), smm.CellTarget(0, "non-us-img", 0, 0, 14.0)]


def _targets(
    outcomes: list[Outcome],
) -> tuple[list[smm.CellTarget], NationalTargets]:
    """The moments of markets made with known parameters, as if published."""
    _, share, matched, unmatched = smm.moments(outcomes, CELLS)
    cells = [
        smm.CellTarget(
            0, c.applicant_type, float(share[i]), float(matched[i]), 14.0, float(unmatched[i])
        )
        for i, c in enumerate(CELLS)
    ]
    made = {m.name: m.simulated for m in national_moments(outcomes, _national_shape())}
    national = NationalTargets(
        match_rate={g: (made[f"match_rate:{g}"], 500.0) for g in ("md", "non-us-img")},
        fill_rate=(made["fill_rate"], 720.0),
        active_share=(made["active_share"], 1100.0),
    )
    return cells, national


def _national_shape() -> NationalTargets:
    return NationalTargets(
        match_rate={"md": (0.5, 1.0), "non-us-img": (0.5, 1.0)},
        fill_rate=(0.5, 1.0),
        active_share=(0.5, 1.0),
    )


def _held(*names: str) -> dict[int, float]:
    """theta's entries `names` held at the reference in a fit."""
    return {smm.NAMES.index(n): smm.REFERENCE[smm.NAMES.index(n)] for n in names}


BEHAVIOUR = (
    "log_applications_md", "log_applications_do", "log_applications_img", "temperature_md",
    "temperature_do", "temperature_img", "reach", "dispersion", "impression",
)  # fmt: skip


def test_the_fit_recovers_the_shift_a_market_was_made_with() -> None:
    market, streams = _market(), seeds(1, 2)
    truth = smm.start_from({"log_tau": np.log(1.5), "shift_img": -1.0})
    cells, national = _targets(smm.outcomes(market, streams, truth))
    assert smm.distance(smm.outcomes(market, streams, truth), cells, national) == 0.0
    held = _held(*BEHAVIOUR, "shift_us_img")  # no U.S.-citizen IMGs in this market
    fitted = smm.fit(market, streams, cells, national, max_evaluations=60, fixed=held)
    assert fitted.distance < 0.2 * fitted.start_distance
    assert abs(fitted.shift("non-us-img") - truth[2]) < 0.4
    assert fitted.shift("md") == 0.0 and fitted.behaviour.heat("md") == 1.0


def test_the_fit_recovers_the_applications_each_group_was_made_with() -> None:
    market, streams = _market(), seeds(2, 2)
    truth = smm.start_from(
        {"log_applications_md": np.log(1.4), "log_applications_img": np.log(0.7)}
    )
    cells, national = _targets(smm.outcomes(market, streams, truth))
    held = _held("log_tau", "shift_do", "shift_img", "shift_us_img", "log_applications_do",
                 "temperature_md", "temperature_do", "temperature_img", "reach", "dispersion",
                 "impression")  # fmt: skip
    fitted = smm.fit(market, streams, cells, national, max_evaluations=50, fixed=held)
    assert fitted.distance < 0.1 * fitted.start_distance
    assert fitted.behaviour.multiplier("md") == pytest.approx(1.4, abs=0.15)
    assert fitted.behaviour.multiplier("non-us-img") == pytest.approx(0.7, abs=0.1)


def test_the_fit_recovers_how_strongly_each_group_follows_the_rates() -> None:
    market, streams = _market(), seeds(3, 2)
    truth = smm.start_from({"temperature_md": 0.3, "temperature_img": 1.0})
    cells, national = _targets(smm.outcomes(market, streams, truth))
    held = _held("log_tau", "shift_do", "shift_img", "shift_us_img", "log_applications_md",
                 "log_applications_do", "log_applications_img", "temperature_do",
                 "reach", "dispersion", "impression")  # fmt: skip
    fitted = smm.fit(market, streams, cells, national, max_evaluations=40, fixed=held)
    assert fitted.distance < 0.2 * fitted.start_distance
    assert fitted.behaviour.heat("md") == pytest.approx(0.3, abs=0.2)
    assert fitted.behaviour.heat("non-us-img") == pytest.approx(1.0, abs=0.2)


def test_md_and_do_seniors_have_their_own_applications_and_temperatures() -> None:
    theta = smm.start_from(
        {"log_applications_md": np.log(0.9), "log_applications_do": np.log(1.3),
         "temperature_md": 0.8, "temperature_do": 0.6, "temperature_img": 0.4, "reach": -1.0}
    )  # fmt: skip
    chosen = smm.behaviour(theta)
    assert chosen.multiplier("md") == pytest.approx(0.9)
    assert chosen.multiplier("do") == pytest.approx(1.3)
    assert chosen.multiplier("us-img") == chosen.multiplier("non-us-img") == 1.0
    assert chosen.heat("md") == 0.8 and chosen.heat("do") == 0.6
    assert chosen.heat("us-img") == chosen.heat("non-us-img") == 0.4
    assert chosen.reach == 0.0  # a negative reach is read as none


def test_a_theta_of_before_the_groups_starts_what_its_names_became() -> None:
    """Issue 19's second pass fitted one multiplier for U.S. graduates and one temperature."""
    old = {"log_tau": 5.7, "shift_do": -4.6, "shift_img": -1.5, "log_applications_us": -0.1,
           "log_applications_img": 1.3, "temperature": 1.05}  # fmt: skip
    theta = dict(zip(smm.NAMES, smm.start_from(old), strict=True))
    assert theta["log_applications_md"] == theta["log_applications_do"] == -0.1
    assert theta["temperature_md"] == theta["temperature_do"] == theta["temperature_img"] == 1.05
    assert theta["log_tau"] == 5.7 and theta["log_applications_img"] == 1.3
    assert theta["reach"] == 0.0  # programs of before never went below their bar
    # the third pass: one temperature for U.S. graduates
    third = dict(zip(smm.NAMES, smm.start_from({"temperature_us": 2.5}), strict=True))
    assert third["temperature_md"] == third["temperature_do"] == 2.5
    # the ninth: one shift for every IMG; a record with both keeps each, in either order
    assert theta["shift_us_img"] == theta["shift_img"] == -1.5
    for both in ({"shift_img": -0.8, "shift_us_img": -0.3},
                 {"shift_us_img": -0.3, "shift_img": -0.8}):  # fmt: skip
        fit = smm.SmmFit(smm.start_from(both), 0.0, 0.0, 0, 1, 0)
        assert (fit.shift("non-us-img"), fit.shift("us-img"), fit.shift("other")) == (
            -0.8, -0.3, -0.8,
        )  # fmt: skip


def _fit_one(
    market: Market, seed: int, name: str, truth: float, start: float | None = None
) -> smm.SmmFit:
    """A fit of theta's entry `name` alone (the others held at the reference) on markets made
    with it at `truth`, from `start` (None: the reference)."""
    streams = seeds(seed, 2)
    cells, national = _targets(smm.outcomes(market, streams, smm.start_from({name: truth})))
    held = _held(*(n for n in smm.NAMES if n != name))
    begin = smm.REFERENCE if start is None else smm.start_from({name: start})
    return smm.fit(market, streams, cells, national, begin, max_evaluations=30, fixed=held)


def test_the_fit_recovers_how_far_programs_reach_to_fill_their_slots() -> None:
    base = _specialty()
    market = Market(
        specialties=(dataclasses.replace(base, slots=np.full(base.size, 40, dtype=np.int32)),),
        notes=(), left_out=(),
    )  # fmt: skip
    fitted = _fit_one(market, 4, "reach", 1.5)
    assert fitted.distance < 0.2 * fitted.start_distance
    assert fitted.behaviour.reach == pytest.approx(1.5, abs=0.4)


def test_the_fit_recovers_how_much_applicants_differ_in_breadth() -> None:
    # from 0.2: 0 would start where the distance is flat
    fitted = _fit_one(_market(), 5, "dispersion", 0.7, start=0.2)
    assert fitted.distance < 0.2 * fitted.start_distance
    assert fitted.behaviour.dispersion == pytest.approx(0.7, abs=0.2)


def test_the_fit_recovers_how_much_applicants_differ_at_interviews() -> None:
    fitted = _fit_one(_market(), 6, "impression", 1.5, start=0.5)
    assert fitted.distance < 0.2 * fitted.start_distance
    assert fitted.behaviour.impression == pytest.approx(1.5, abs=0.4)


def test_a_redraw_under_more_applications_keeps_every_shared_coin() -> None:
    market = _market()
    rng = np.random.default_rng(9)
    state = rng.bit_generator.state
    few = market.draw(rng)
    rng.bit_generator.state = state
    more = dataclasses.replace(market, behaviour=Behaviour({"md": 2.0, "non-us-img": 2.0}))
    many = more.draw(rng)
    assert (few.score == many.score).all() and (many.applications >= few.applications).all()
    # a program that invited an applicant under fewer applications invites them again
    pairs = set(zip(few.rows.tolist(), few.programs.tolist(), strict=True))
    again = set(zip(many.rows.tolist(), many.programs.tolist(), strict=True))
    assert len(pairs - again) < 0.05 * len(pairs) and len(again) > len(pairs)


def test_a_shift_against_a_type_lowers_its_match_rate() -> None:
    market, streams = _market(), seeds(4, 1)
    _, even, _, _ = smm.moments(smm.outcomes(market, streams, smm.REFERENCE), CELLS)
    against = smm.start_from({"shift_img": -2.0})
    _, lower, _, _ = smm.moments(smm.outcomes(market, streams, against), CELLS)
    assert lower[1] < even[1] - 0.05 and lower[0] > even[0]


def test_a_target_cell_nobody_is_drawn_into_does_not_spoil_the_distance() -> None:
    outcomes = smm.outcomes(_market(), seeds(1, 1), smm.REFERENCE)
    cells = [
        smm.CellTarget(0, "md", 0.7, 250.0, 14.0, 235.0),
        smm.CellTarget(0, "do", 0.5, 240.0, 14.0, None),  # no such cohort drawn
    ]
    assert np.isfinite(smm.distance(outcomes, cells, _national_shape()))


def test_the_simulated_cells_are_the_moments_of_the_matched_markets() -> None:
    outcomes = smm.outcomes(_market(), seeds(5, 2), smm.start_from({"shift_img": -0.5}))
    md, img = smm.simulated_cells(outcomes, CELLS)
    count, share, matched, _ = smm.moments(outcomes, CELLS)
    # applicants with a rank order list only, as the NRMP counts them
    active = sum(int((o.draw.active & (o.draw.cohort == 0)).sum()) for o in outcomes) / 2
    assert 0 < md.applicants == active <= 700 and md.applicants == count[0] / 2
    assert md.share == share[0] and 0.0 < md.share < 1.0
    assert md.matched_mean == matched[0] and img.applicants > 0


def test_national_moments_count_a_hand_made_match() -> None:
    """Six applicants in one market of two programs (2 positions each) and an advanced one
    with a PGY-1 position: rates by type, fill, active share, the MD curve, IMG medians."""
    outcome = smm.outcomes(_market(), seeds(6, 1), smm.REFERENCE)[0]
    draw = dataclasses.replace(
        outcome.draw,
        applicant_type=["md", "non-us-img"],
        cohort=np.array([0, 0, 0, 1, 1, 1], dtype=np.int32),
        specialty=np.zeros(6, dtype=np.int32),
        offset=np.array([0, 3], dtype=np.int32),
        capacities=np.array([2, 2, 1, 1], dtype=np.int32),
        interviews=np.array([1, 2, 0, 3, 1, 2], dtype=np.int32),
        own=np.array([1, 2, 0, 3, 1, 2], dtype=np.int32),
        sent=np.array([10, 20, 30, 100, 50, 0], dtype=np.int32),
    )
    hand = Outcome(
        draw,
        match=np.array([0, -1, -1, 1, 2, -1], dtype=np.int32),
        pgy1=np.array([-1, -1, -1, -1, 3, -1], dtype=np.int32),
    )
    targets = NationalTargets(
        match_rate={"md": (0.9, 100.0), "non-us-img": (0.5, 100.0)},
        fill_rate=(0.9, 100.0),
        active_share=(0.9, 100.0),
        curve_ks=(1, 2),
        curve=(0.5, 0.7),
        curve_tolerance=0.03,
        ranks={0: (3.0, 2.0)},
        fill={0: (0.9, 50.0)},
        filled_by={0: {"md": (0.5, 10.0), "non-us-img": (0.5, 10.0)}},
        applications={"md": 40.0, "non-us-img": 100.0},
        applications_tolerance=0.1,
    )
    got = {m.name: m for m in national_moments([hand], targets)}
    assert got["match_rate:md"].simulated == 0.5  # 1 of the 2 MDs with a rank list
    assert got["match_rate:non-us-img"].simulated == pytest.approx(2 / 3)
    assert got["fill_rate"].simulated == pytest.approx(4 / 6)  # 3 + the PGY-1 position
    # The market's own fill: programs 0-2 (offset 0-3), 3 of its 5 positions; the PGY-1
    # position (program 3) is another market's
    assert got["fill:0"].simulated == pytest.approx(3 / 5)
    assert got["fill:0"].variance == pytest.approx(0.09 / 50 + SHARE_MISFIT**2)
    # who filled market 0: applicant 0 (MD), 3 and 4 (IMGs); the PGY-1 position is elsewhere
    assert got["filled_by:0:md"].simulated == pytest.approx(1 / 3)
    assert got["filled_by:0:non-us-img"].simulated == pytest.approx(2 / 3)
    # Applications: every registered applicant of the type, with a rank list or not
    assert got["applications:md"].simulated == pytest.approx(20.0)
    assert got["applications:non-us-img"].simulated == pytest.approx(50.0)
    assert got["applications:md"].variance == pytest.approx(4.0**2)
    assert got["active_share"].simulated == pytest.approx(5 / 6)
    assert got["md_matched_by_ranks:1"].simulated == 1.0
    assert got["md_matched_by_ranks:2"].simulated == 0.0
    assert got["md_matched_by_ranks:1"].variance == pytest.approx(0.25 / 1 + 0.03**2)
    # ranks 3 and 1: the grouped median (continuous in the counts), as the engine's
    assert got["ranks_matched:0"].simulated == pytest.approx(median_of(np.array([0, 1, 0, 1.0])))
    assert got["ranks_unmatched:0"].simulated == pytest.approx(2.0)  # rank 2 alone
    rate = got["match_rate:md"]
    # sampling and the model's own misfit
    assert rate.variance == pytest.approx(0.09 / 100 + SHARE_MISFIT**2)
    assert rate.chi2 == pytest.approx(0.4**2 / (0.09 / 100 + SHARE_MISFIT**2))
