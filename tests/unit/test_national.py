"""The simulated national Match (core.match.national) and the engine's check against it
(core.match.engine_check), on a small hand-made market of two specialties."""

from __future__ import annotations

import math

import numpy as np
import pytest

from smartpick.core.match.engine_check import check_engine
from smartpick.core.match.engine_terms import prepare
from smartpick.core.match.market import Cohort, SpecialtyMarket, draw_market
from smartpick.core.match.moments import (
    InterviewCounts,
    NationalTargets,
    Outcome,
    national_moments,
)
from smartpick.core.match.national import (
    Market,
    RunResult,
    draw_markets,
    match,
    merge,
    program_positions,
    run_once,
    seeds,
    widen,
)
from smartpick.core.model.parameters import Params, Pool


def _specialty(name: str, m: int, seats: int, counts: dict[str, int]) -> SpecialtyMarket:
    level = np.random.default_rng(len(name)).normal(-0.8, 0.6, m)

    def cohort(g: str, n: int) -> Cohort:
        return Cohort(
            applicant_type=g, count=n, params=Params(0.8, 0.7, 0.5),
            pool=Pool(centre=245.0, sd=15.0, var_z=1.1), match_share=0.8,
            matched=(250.0, 14.0), unmatched=(235.0, 14.0), applications=10.0,
            level=level, tau=1.0,
        )  # fmt: skip

    return prepare(
        SpecialtyMarket(
            specialty=name, program_ids=tuple(f"{name}{i:04d}" for i in range(m)),
            positions=np.full(m, seats, dtype=np.int32), location=np.full(m, 0.4),
            signal={}, in_state_share=0.3, signal_share={}, signal_limit={},
            cohorts=tuple(cohort(g, n) for g, n in counts.items()),
        )
    )  # fmt: skip


@pytest.fixture(scope="module")
def market() -> Market:
    return Market(
        specialties=(
            _specialty("psychiatry", 30, 3, {"md": 80, "do": 40, "non-us-img": 30}),
            _specialty("neurology", 20, 2, {"md": 50, "us-img": 20}),
        ),
        notes=(),
        left_out=(),
    )


def test_widening_gives_the_programs_without_figures_the_median() -> None:
    values = np.array([1.0, 4.0, 2.0])
    wide = widen(values, 2)
    assert wide.tolist() == [1.0, 4.0, 2.0, 2.0, 2.0]
    assert widen(values, 0).tolist() == values.tolist()
    # a specialty without figures of its own: only its programs, at another's median
    assert widen(values, 3, keep=False).tolist() == [2.0, 2.0, 2.0]


def test_programs_without_known_positions_take_the_median_of_the_others() -> None:
    positions = program_positions([4, 0, 10, -1, 6])
    assert positions.dtype == np.int32
    assert positions.tolist() == [4, 6, 10, 6, 6]
    assert program_positions([3, 5]).tolist() == [3, 5]
    assert program_positions([0, -1]).tolist() == [1, 1]  # none known


def test_one_seed_gives_the_same_streams_and_each_run_its_own() -> None:
    a, b = seeds(5, 3), seeds(5, 3)
    assert len(a) == 3
    draws = [np.random.default_rng(s).random() for s in a]
    assert draws == [np.random.default_rng(s).random() for s in b]
    assert len(set(draws)) == 3


def test_the_markets_drawn_for_the_fit_are_the_streams_own(market: Market) -> None:
    streams = seeds(2, 2)
    draws = draw_markets(market, streams)
    assert len(draws) == 2
    again = draw_market(market.specialties, np.random.default_rng(streams[1]))
    assert np.array_equal(draws[1].applicant_ranks, again.applicant_ranks)
    assert np.array_equal(draws[1].rank_of, again.rank_of)


def test_one_run_counts_every_applicant_and_no_program_over_its_positions(
    market: Market,
) -> None:
    result = run_once(market, seeds(1, 1)[0])
    assert result.registered == {
        ("psychiatry", "md"): 80, ("psychiatry", "do"): 40, ("psychiatry", "non-us-img"): 30,
        ("neurology", "md"): 50, ("neurology", "us-img"): 20,
    }  # fmt: skip
    # Only applicants with a rank order list count, as the NRMP's active applicants
    assert all(0 < n <= result.registered[k] for k, n in result.applicants.items())
    assert all(0 <= result.matched[k] <= n for k, n in result.applicants.items())
    assert result.positions == market.positions == 30 * 3 + 20 * 2
    assert result.filled == sum(result.matched.values()) <= result.positions
    assert 0 <= result.unfilled_programs <= 50
    again = run_once(market, seeds(1, 1)[0])
    assert (again.applicants, again.matched) == (result.applicants, result.matched)


def test_totals_over_runs_are_rates_and_averages_a_run(market: Market) -> None:
    one = run_once(market, seeds(4, 1)[0])
    once, twice = merge([one]), merge([one, one])
    assert twice["runs"] == 2
    for key in ("match_rate_by_type", "match_rate_by_cell", "fill_rate", "applicants",
                "unmatched_applicants", "positions", "unfilled_positions"):  # fmt: skip
        assert twice[key] == once[key]
    assert all(0.0 <= r <= 1.0 for r in once["match_rate_by_cell"].values())
    assert once["applicants"] == sum(one.applicants.values()) <= market.applicants
    assert once["unmatched_applicants"] == once["applicants"] - one.filled
    assert once["fill_rate"] == one.filled / one.positions


def test_totals_of_no_run_are_empty() -> None:
    empty = merge([])
    assert empty["runs"] == 0 and empty["match_rate_by_type"] == {}
    assert math.isnan(empty["fill_rate"]) and empty["applicants"] == 0


def test_a_run_counts_nothing_where_nobody_applies() -> None:
    result = merge([RunResult(seconds=0.0, applicants={}, matched={}, positions=0, filled=0)])
    assert math.isnan(result["fill_rate"]) and result["match_rate_by_cell"] == {}


def test_the_engine_check_accounts_for_every_simulated_applicant(market: Market) -> None:
    check = check_engine(market, seeds(3, 2), bins=4)
    assert check.applicants == 2 * market.applicants
    assert sum(b.applicants for b in check.bins) == check.applicants
    assert sum(c.applicants for c in check.cells) == market.applicants  # a run
    assert {(c.specialty, c.applicant_type) for c in check.cells} == {
        ("psychiatry", "md"), ("psychiatry", "do"), ("psychiatry", "non-us-img"),
        ("neurology", "md"), ("neurology", "us-img"),
    }  # fmt: skip
    for row in (*check.bins, *check.cells):
        assert 0.0 <= row.engine <= 1.0 and 0.0 <= row.simulated <= 1.0
    assert 0.0 <= check.brier <= 1.0
    # Predicting the overall rate for everyone scores its Bernoulli variance
    base = check.simulated_mean
    assert check.brier_base == pytest.approx(base * (1 - base))
    engine_by_bin = [b.engine for b in check.bins]
    assert engine_by_bin == sorted(engine_by_bin)  # bins run from low chances to high


def test_the_engine_check_leaves_out_the_markets_not_named(market: Market) -> None:
    everyone = check_engine(market, seeds(3, 2), bins=4)
    check = check_engine(market, seeds(3, 2), bins=4, specialties={"neurology"})
    neurology = [c for c in everyone.cells if c.specialty == "neurology"]
    assert check.cells == tuple(neurology)
    assert check.applicants == 2 * sum(c.applicants for c in neurology)
    assert check.applicants < everyone.applicants
    for wrong in ({"no_such_specialty"}, set()):  # a name not in the market, or none at all
        with pytest.raises(ValueError, match="no market to check"):
            check_engine(market, seeds(3, 1), specialties=wrong)


def test_the_engine_check_is_the_same_for_the_same_streams(market: Market) -> None:
    assert check_engine(market, seeds(8, 1)) == check_engine(market, seeds(8, 1))


def test_a_run_reports_interviews_as_the_fit_counts_them(market: Market) -> None:
    """The report's share matched by ranks and rank medians are the fit's moments (core.match.
    moments) over the same markets: what `simulate` prints is what the fit was held to."""
    streams = seeds(6, 2)
    report = merge([run_once(market, s) for s in streams])["interviews"]
    outcomes = []
    for drawn in draw_markets(market, streams):
        result = match(drawn)
        outcomes.append(Outcome(drawn, result.match, result.pgy1))
    targets = NationalTargets(
        curve_ks=(1, 2, 3), curve=(0.5, 0.5, 0.5), curve_tolerance=0.05,
        ranks={0: (3.0, 1.0)},
    )  # fmt: skip
    moments = {m.name: m.simulated for m in national_moments(outcomes, targets)}
    shares = report["md_share_matched_by_ranks"]
    for k in (1, 2, 3):
        assert shares[str(k)] == pytest.approx(moments[f"md_matched_by_ranks:{k}"])
        assert 0.0 <= shares[str(k)] <= 1.0
    medians = report["non_us_img_contiguous_ranks_median"]["psychiatry"]
    assert medians["matched"] == pytest.approx(moments["ranks_matched:0"])
    assert medians["not_matched"] == pytest.approx(moments["ranks_unmatched:0"])
    assert "neurology" not in report["non_us_img_contiguous_ranks_median"]  # no non-U.S. IMGs


def test_interview_counts_add_up_over_markets() -> None:
    a = InterviewCounts(np.array([0.0, 2.0, 1.0]), np.array([0.0, 1.0, 1.0]),
                        {0: np.array([0.0, 1.0])}, {0: np.array([0.0, 3.0])})  # fmt: skip
    b = InterviewCounts(np.array([0.0, 2.0]), np.array([0.0, 0.0]), {1: np.array([0.0, 0.0, 4.0])})
    both = a + b
    assert both.md_share(1) == pytest.approx(1 / 4) and both.md_share(2) == 1.0
    assert math.isnan(both.md_share(5))  # nobody with five
    assert both.img_medians(0) == (pytest.approx(1.0), pytest.approx(1.0))
    matched, unmatched = both.img_medians(1)
    assert matched == pytest.approx(2.0) and math.isnan(unmatched)
