"""The program interview model, the applicant model and the calibration, on small arrays."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartpick.core.model.calibration import HELD, fit, fit_in_stages
from smartpick.core.model.evaluation import planned_cells
from smartpick.core.model.interview import (
    TYPES,
    CellRates,
    ProgramRates,
    anchor,
    cell_rates,
    clamp,
    expit,
    shrink_column,
)
from smartpick.core.model.outcomes import normal_nodes
from smartpick.core.model.parameters import Params, Pool, compress, typical_p_match
from smartpick.core.model.standing import Figures
from smartpick.core.model.targets import (
    Curve,
    Moments,
    Target,
    cap_inclusion,
    predict,
    typical_applicant,
)


def rates(m: int = 6, seed: int = 1, tiers: tuple[str, ...] = ("gold", "silver")) -> ProgramRates:
    rng = np.random.default_rng(seed)
    none = rng.uniform(0.0, 0.1, m).round(2)
    silver = (none + rng.uniform(0.05, 0.3, m)).round(2)
    gold = (silver + rng.uniform(0.0, 0.3, m)).round(2)
    signal = {"none": none, "gold": gold, "silver": silver, "signal": gold}
    return ProgramRates(
        ids=tuple(f"{i:010d}" for i in range(m)),
        by_type={g: rng.uniform(0.0, 0.3, m).round(2) for g in TYPES},
        in_state=rng.uniform(0.2, 0.6, m).round(2),
        out_of_state=rng.uniform(0.02, 0.2, m).round(2),
        tiers=tiers,
        signal={t: signal[t] for t in (*tiers, "none")},
        season=2024,
    )


SHARES = {"md": 600.0, "do": 200.0, "non-us-img": 100.0}


def test_cells_reproduce_each_programs_type_rate() -> None:
    r = rates()
    cells = cell_rates(r, SHARES, {"gold": 3, "silver": 10})
    mix = cells.mix
    rest = 1 - sum(mix.tiers.values())
    for g in TYPES:
        total = np.zeros(r.size)
        share_in = cells.in_state_share(g)
        for loc_share, loc in ((share_in, cells.location), (1 - share_in, 0.0)):
            total += loc_share * rest * expit(cells.level[g] + loc)
            for t, share in mix.tiers.items():
                total += loc_share * share * expit(cells.level[g] + loc + cells.signal[t])
        np.testing.assert_allclose(total, clamp(r.by_type[g]), atol=1e-9)


def test_a_signal_never_lowers_the_rate_and_gold_beats_silver() -> None:
    r = rates(m=40, seed=3)
    # Noisy data: make some programs report a lower rate with a signal than without.
    noisy = dict(r.signal)
    noisy["silver"] = np.where(np.arange(40) % 3 == 0, 0.0, r.signal["silver"])
    cells = cell_rates(
        ProgramRates(r.ids, r.by_type, r.in_state, r.out_of_state, r.tiers, noisy, 2024),
        SHARES,
        {"gold": 3, "silver": 10},
    )
    assert np.all(cells.signal["silver"] >= 0)
    assert np.all(cells.signal["gold"] >= cells.signal["silver"])


def test_missing_margins_borrow_the_specialty_median_and_say_so() -> None:
    r = rates(m=8)
    in_state = r.in_state.copy()
    in_state[2] = np.nan
    cells = cell_rates(
        ProgramRates(r.ids, r.by_type, in_state, r.out_of_state, r.tiers, r.signal, 2024),
        SHARES,
        {},
    )
    assert np.isfinite(cells.location).all()
    assert any("in-state" in n for n in cells.notes)


@settings(max_examples=60, deadline=None)
@given(
    rate=st.floats(0.001, 0.999),
    variance=st.floats(0.0, 9.0),
)
def test_anchor_reproduces_the_population_rate(rate: float, variance: float) -> None:
    a = anchor(np.array([np.log(rate / (1 - rate))]), variance)
    z, w = normal_nodes(80)
    # Exact on its own 40 nodes; checked here on 80, so the quadrature error shows (< 1e-5).
    assert float(expit(a[0] + np.sqrt(variance) * z) @ w) == pytest.approx(rate, abs=1e-5)


def test_inclusion_sums_to_the_applications_and_never_exceeds_one() -> None:
    score = np.array([0.9, 0.8, 0.05, 0.01, 0.01, 0.001])
    chance = cap_inclusion(score, 4.0)
    assert chance.sum() == pytest.approx(4.0)
    assert chance.max() <= 1.0 + 1e-12
    assert np.all(np.diff(chance[np.argsort(-score)]) <= 1e-12)  # follows the score
    assert cap_inclusion(score, 10.0).sum() == pytest.approx(6.0)  # never more than all
    # Smooth in the number of applications: a small change moves every chance a little.
    near = cap_inclusion(score, 4.0 + 1e-6)
    assert np.all(np.abs(near - chance) < 1e-5)


def test_compress_keeps_the_weight_and_its_mean() -> None:
    rng = np.random.default_rng(5)
    logits, weights = rng.normal(size=300), rng.uniform(size=300)
    mean, total, squares = compress(logits, weights, groups=16)
    assert total.sum() == pytest.approx(weights.sum())
    assert squares.sum() == pytest.approx((weights**2).sum())
    assert mean @ total == pytest.approx(logits @ weights)
    assert mean.size <= 16 and np.all(np.diff(mean) > 0)


FIGURES = Figures(2026, 400.0, 100.0, 0.8, 250.0, 12.0, 240.0, 500.0)


def target(specialty: str = "s", figures: Figures = FIGURES) -> Target:
    r = rates(m=30, seed=7)
    cells = cell_rates(r, SHARES, {"gold": 3, "silver": 10})
    return Target(
        specialty, "md", figures, Pool.from_figures(figures), cells, 12.0, True, "seniors"
    )


@settings(max_examples=30, deadline=None)
@given(
    b=st.floats(0.05, 2.0),
    sigma=st.floats(0.05, 2.0),
    c=st.floats(-3.0, 3.0),
    low=st.floats(180, 270),
    step=st.floats(1, 30),
)
def test_the_chance_of_matching_rises_with_the_score(
    b: float, sigma: float, c: float, low: float, step: float
) -> None:
    t = target()
    p = typical_p_match(Params(b, sigma, c), t.pool, t.typical(1.0), np.array([low, low + step]))
    assert np.all((p >= 0) & (p <= 1))
    assert p[1] >= p[0]


def test_more_applications_never_lower_the_chance() -> None:
    r = rates(m=30, seed=7)
    cells = cell_rates(r, SHARES, {"gold": 3, "silver": 10})
    pool = Pool.from_figures(FIGURES)
    params = Params(0.5, 0.8, 0.0)
    chances = [
        float(
            typical_p_match(params, pool, typical_applicant(cells, "md", h), np.array([250.0]))[0]
        )
        for h in (2, 5, 10, 20, 30)
    ]
    assert chances == sorted(chances)


def test_the_fit_reproduces_the_published_match_shares() -> None:
    low = Figures(2026, 300.0, 200.0, 0.6, 250.0, 12.0, 244.0, 500.0)
    targets = [target("a"), target("b", low)]
    result = fit(targets)
    assert result.converged
    assert result.parameters == 3 + 2 and result.targets == 4
    for t in targets:
        z, w = normal_nodes(40)
        pool_scores = np.concatenate(
            [
                t.figures.matched_centre + t.figures.matched_sd * z,
                t.figures.unmatched_centre + t.figures.matched_sd * z,
            ]
        )  # type: ignore[operator]
        weights = np.concatenate([t.counts[0] * w, t.counts[1] * w])
        p = predict(result.for_cell(t.specialty, "md"), t, pool_scores)
        assert float(weights @ p / weights.sum()) == pytest.approx(t.figures.match_share, abs=0.02)


def small_target(specialty: str, applicant_type: str, figures: Figures) -> Target:
    cells = cell_rates(rates(m=12, seed=7), SHARES, {"gold": 3, "silver": 10})
    key = "seniors" if applicant_type == "md" else "img"
    return Target(specialty, applicant_type, figures, Pool.from_figures(figures), cells, 8.0,
                  True, key)  # fmt: skip


def test_the_second_stage_lets_imgs_scores_act_by_specialty_and_holds_the_conversion() -> None:
    # U.S. MD cells and a curve by interviews (so the conversion is fitted), and two IMG
    # cells: one where the matched scored 14 points more than the unmatched, one where they
    # scored the same (Family Medicine's published non-U.S. IMGs)
    steep = Figures(2026, 300.0, 300.0, 0.5, 240.0, 12.0, 226.0, 600.0)
    flat = Figures(2026, 300.0, 300.0, 0.5, 233.0, 12.0, 233.0, 600.0)
    low = Figures(2026, 300.0, 200.0, 0.6, 250.0, 12.0, 244.0, 500.0)
    targets = [
        small_target("a", "md", FIGURES), small_target("b", "md", low),
        small_target("a", "non-us-img", steep), small_target("b", "non-us-img", flat),
    ]  # fmt: skip
    moments = Moments(curves=(Curve("md", (1, 2, 3), (0.55, 0.7, 0.78), 0.025),))
    first = fit(targets, moments)
    both = fit_in_stages(targets, moments)
    assert set(both.score_deviations) == {"non-us-img@a", "non-us-img@b"}
    # the flat cell's score weighs less than the steep one's, each the type's times its own
    assert both.score_deviations["non-us-img@b"] < both.score_deviations["non-us-img@a"]
    for s in ("a", "b"):
        deviation = both.score_deviations[f"non-us-img@{s}"]
        weight = both.params["non-us-img"].score_weight * np.exp(deviation)
        assert both.for_cell(s, "non-us-img").score_weight == pytest.approx(weight)
        assert both.for_cell(s, "md").score_weight == both.params["md"].score_weight
    # how U.S. seniors convert is the first stage's, which the IMG cells did not move
    assert both.params["md"].conversion_weight == pytest.approx(
        first.params["md"].conversion_weight, rel=1e-3
    )
    assert both.params["md"].conversion_spread == pytest.approx(
        first.params["md"].conversion_spread, rel=1e-3
    )
    # the held parameters keep their uncertainty: named last, with the first stage's block
    assert both.names[-len(HELD) :] == HELD
    assert both.covariance.shape == (len(both.names),) * 2
    index = [first.names.index(n) for n in HELD]
    assert np.array_equal(
        both.covariance[-len(HELD) :, -len(HELD) :], first.covariance[np.ix_(index, index)]
    )


def test_shrinkage_never_takes_a_published_zero_or_one_at_its_word() -> None:
    column = np.array([0.0, 1.0, 0.1, 0.12, 0.15, 0.2, 0.3, 0.08])
    shrunk, how = shrink_column(column, 20.0)
    assert shrunk.min() > 0 and shrunk.max() < 1
    assert how.centre == pytest.approx(column.mean())
    # Each rate moves toward the centre, and the order of programs is kept.
    assert np.all(np.abs(shrunk - how.centre) <= np.abs(column - how.centre) + 1e-12)
    assert np.array_equal(np.argsort(shrunk, kind="stable"), np.argsort(column, kind="stable"))


def test_fewer_applicants_behind_a_rate_pull_it_further() -> None:
    column = np.array([0.0, 0.9, 0.1, 0.12, 0.15, 0.2, 0.3, 0.08])
    few, _ = shrink_column(column, 5.0)
    many, _ = shrink_column(column, 500.0)
    assert abs(many[1] - 0.9) < abs(few[1] - 0.9)
    nan = column.copy()
    nan[2] = np.nan
    assert np.isnan(shrink_column(nan, 20.0)[0][2])  # a missing rate stays missing


def test_in_state_cells_hold_us_graduates_only_and_reproduce_the_in_state_rate() -> None:
    """IMGs have no U.S. school: they are never in-state. The in-state effect is solved so that
    U.S. graduates in-state reproduce each program's published in-state rate."""
    base = rates(m=12, seed=11)
    # Consistent margins: U.S. graduates' type rates high enough for their in-state rate.
    rng = np.random.default_rng(4)
    by_type = {**base.by_type, "md": rng.uniform(0.35, 0.5, 12), "do": rng.uniform(0.3, 0.45, 12)}
    r = ProgramRates(base.ids, by_type, rng.uniform(0.5, 0.6, 12), rng.uniform(0.28, 0.32, 12),
                     base.tiers, base.signal, 2024)  # fmt: skip
    cells = cell_rates(r, SHARES, {"gold": 3, "silver": 10})
    assert cells.in_state_share("non-us-img") == 0 and cells.in_state_share("us-img") == 0
    assert cells.in_state_share("md") == cells.in_state_share("do") > cells.mix.in_state
    mix = cells.mix
    rest = 1 - sum(mix.tiers.values())
    us = {"md": SHARES["md"], "do": SHARES["do"]}
    implied = np.zeros(r.size)
    for g, n in us.items():
        w = n / sum(us.values())
        implied += w * rest * expit(cells.level[g] + cells.location)
        for t, share in mix.tiers.items():
            implied += w * share * expit(cells.level[g] + cells.location + cells.signal[t])
    np.testing.assert_allclose(implied, clamp(r.in_state), atol=2e-3)


def _mixture(cells: CellRates, g: str) -> np.ndarray:
    """Each program's rate for type g over the cells' location and signal mix."""
    rest = 1 - sum(cells.mix.tiers.values())
    total = np.zeros(cells.location.size)
    share_in = cells.in_state_share(g)
    for loc_share, loc in ((share_in, cells.location), (1 - share_in, 0.0)):
        total += loc_share * rest * expit(cells.level[g] + loc)
        for t, share in cells.mix.tiers.items():
            total += loc_share * share * expit(cells.level[g] + loc + cells.signal[t])
    return total


PRIOR = float(np.log(2.71))


def _with_priors(
    tiers: tuple[str, ...], then: dict[str, int], now: dict[str, int], size: float, g: str
) -> tuple[ProgramRates, CellRates, CellRates]:
    """Rates with `tiers` (of counts `then`), their cells, and the cells of a season with gold
    and silver at the prior (counts `now`) for a typical list of `size`, for type g."""
    r = rates(tiers=tiers)
    cells = cell_rates(r, SHARES, then)
    return r, cells, planned_cells(r, cells, None, {"gold": PRIOR, "silver": PRIOR}, now, size, g)


def test_a_prior_signal_takes_its_interviews_from_the_applications_without_one() -> None:
    r, cells, planned = _with_priors((), {}, {"gold": 3, "silver": 12}, 39.0, "md")
    assert planned.mix.tiers == pytest.approx({"gold": 3 / 39, "silver": 12 / 39})
    # The program's interviews for the type stay the published ones...
    np.testing.assert_allclose(_mixture(planned, "md"), clamp(r.by_type["md"]), atol=1e-9)
    # ...so, in each location, a signal lifts the rate above the one the rates alone give
    # (no signal in their cells) and the applications without one fall below it.
    assert np.all(planned.level["md"] + planned.signal["gold"] > cells.level["md"])
    assert np.all(planned.level["md"] < cells.level["md"])


def test_cells_without_a_prior_tier_are_the_rates_own() -> None:
    r = rates()
    cells = cell_rates(r, SHARES, {"gold": 3, "silver": 10})
    planned = planned_cells(r, cells, None, {"gold": None, "silver": None}, {}, 39.0, "md")
    assert planned is cells


def test_a_tier_the_planned_season_lacks_is_dropped_for_its_priors() -> None:
    r, _, planned = _with_priors(("signal",), {"signal": 5}, {"gold": 3, "silver": 6}, 60.0, "do")
    assert set(planned.mix.tiers) == {"gold", "silver"}
    np.testing.assert_allclose(_mixture(planned, "do"), clamp(r.by_type["do"]), atol=1e-9)


def test_more_signals_than_applications_are_all_the_applications() -> None:
    r, _, planned = _with_priors((), {}, {"gold": 3, "silver": 6}, 4.0, "md")
    # As the typical applicant's: 9 signals on 4 applications sign every one of them (each
    # tier at most the list, 3 and 4 of 4, in proportion).
    assert planned.mix.tiers == pytest.approx({"gold": 3 / 7, "silver": 4 / 7})
    np.testing.assert_allclose(_mixture(planned, "md"), clamp(r.by_type["md"]), atol=1e-9)


def test_a_silvers_share_of_gold_is_the_median_over_specialties_of_their_median_effects() -> None:
    from smartpick.core.model.signal_prior import silver_share

    def row(key: str, gold: float, silver: float, none: float) -> dict[str, str]:
        return {"specialty_key": key, "gold_signal": str(gold), "silver_signal": str(silver),
                "no_signal": str(none)}  # fmt: skip

    even = 1 / (1 + np.exp(-1.0))  # log odds 1 over a no-signal rate of one half
    rates = [row("a", even, 1 / (1 + np.exp(-0.5)), 0.5)] * 3  # silver half of gold
    rates += [row("b", even, 1 / (1 + np.exp(-0.8)), 0.5)]  # four fifths
    rates += [{"specialty_key": "c", "gold_signal": "", "silver_signal": "", "no_signal": "0.2"}]
    share, source = silver_share(rates)
    assert share == pytest.approx(0.65, abs=1e-6) and "2 specialties" in source
    assert silver_share([])[0] == 1.0
