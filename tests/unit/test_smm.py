"""Simulated moments (core.match.smm): the fit finds the parameters a market was made with."""

from __future__ import annotations

import numpy as np

from smartpick.core.match import smm
from smartpick.core.match.market import Cohort, Draw, SpecialtyMarket, draw_market, prepare
from smartpick.core.model.parameters import Params, Pool


def _market() -> SpecialtyMarket:
    rng = np.random.default_rng(3)
    m = 60
    level = rng.normal(-0.5, 0.6, m)

    def cohort(g: str, n: int, centre: float) -> Cohort:
        return Cohort(
            applicant_type=g, count=n, params=Params(0.9, 0.6, 0.0),
            pool=Pool(centre=centre, sd=14.0, var_z=1.1), match_share=0.7,
            matched=(centre + 5, 14.0), unmatched=(centre - 8, 14.0), applications=15.0,
            level=level, tau=1.0,
        )  # fmt: skip

    return prepare(
        SpecialtyMarket(
            specialty="x", program_ids=tuple(f"{i:010d}" for i in range(m)),
            positions=np.full(m, 12, dtype=np.int32), location=np.zeros(m), signal={},
            in_state_share=0.0, signal_share={}, signal_limit={},
            cohorts=(cohort("md", 700, 248.0), cohort("do", 400, 240.0)),
        )
    )  # fmt: skip


def _targets(draws: list[Draw], theta: tuple[float, float, float]) -> list[smm.CellTarget]:
    cells = [smm.CellTarget(0, "md", 0, 0, 14.0), smm.CellTarget(0, "do", 0, 0, 14.0)]
    _, share, matched, unmatched = smm.moments(draws, theta, cells)
    return [
        smm.CellTarget(
            0, c.applicant_type, float(share[i]), float(matched[i]), 14.0, float(unmatched[i])
        )
        for i, c in enumerate(cells)
    ]


def test_the_fit_recovers_the_shift_a_market_was_made_with() -> None:
    market = _market()
    draws = [draw_market([market], np.random.default_rng(s)) for s in (1, 2)]
    truth = (np.log(1.5), -1.0, 0.0)
    targets = _targets(draws, truth)
    assert smm.distance(draws, truth, targets) == 0.0
    fitted = smm.fit(draws, targets, max_evaluations=60)
    assert fitted.distance < 0.2 * fitted.start_distance
    assert abs(fitted.shift("do") - truth[1]) < 0.4
    assert fitted.shift("md") == 0.0


def test_a_shift_against_a_type_lowers_its_match_rate() -> None:
    market = _market()
    draws = [draw_market([market], np.random.default_rng(4))]
    cells = [smm.CellTarget(0, "md", 0, 0, 14.0), smm.CellTarget(0, "do", 0, 0, 14.0)]
    _, even, _, _ = smm.moments(draws, (0.0, 0.0, 0.0), cells)
    _, against, _, _ = smm.moments(draws, (0.0, -2.0, 0.0), cells)
    assert against[1] < even[1] - 0.05 and against[0] > even[0]


def test_a_target_cell_nobody_is_drawn_into_does_not_spoil_the_distance() -> None:
    market = _market()
    draws = [draw_market([market], np.random.default_rng(1))]
    cells = [
        smm.CellTarget(0, "md", 0.7, 250.0, 14.0, 235.0),
        smm.CellTarget(0, "non-us-img", 0.5, 240.0, 14.0, None),  # no such cohort drawn
    ]
    assert np.isfinite(smm.distance(draws, (0.0, 0.0, 0.0), cells))


def test_the_simulated_cells_are_the_moments_a_drawn_market() -> None:
    market = _market()
    draws = [draw_market([market], np.random.default_rng(s)) for s in (5, 6)]
    cells = [
        smm.CellTarget(0, "md", 0.7, 250.0, 14.0, 235.0),
        smm.CellTarget(0, "non-us-img", 0.5, 240.0, 14.0, None),  # no such cohort drawn
    ]
    theta = (0.0, -0.5, 0.0)
    md, img = smm.simulated_cells(draws, theta, cells)
    count, share, matched, _ = smm.moments(draws, theta, cells)
    assert (md.target, img.target) == (cells[0], cells[1])
    # applicants with a rank order list only, as the NRMP counts them
    active = (
        sum(int((d.active & (d.cohort == d.applicant_type.index("md"))).sum()) for d in draws) / 2
    )
    assert 0 < md.applicants == active <= 700 and md.applicants == count[0] / 2
    assert md.share == share[0] and 0.0 < md.share < 1.0
    assert md.matched_mean == matched[0]
    assert img.applicants == 0 and np.isnan(img.share) and img.matched_mean is None
