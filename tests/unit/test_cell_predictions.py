"""The validation's cells: what each method predicts, in sample and leaving a specialty out,
and how the predictions are scored, on small made-up cells."""

from __future__ import annotations

import numpy as np
import pytest

from smartpick.core.model.calibration import Fit
from smartpick.core.model.cell_predictions import (
    Cell,
    add_held_out,
    all_finite,
    application_share,
    brier,
    in_sample,
    method_scores,
    share_error,
    stacked,
)
from smartpick.core.model.interview import TYPES, ProgramRates, cell_rates
from smartpick.core.model.parameters import Params, Pool
from smartpick.core.model.standing import Figures
from smartpick.core.model.targets import Target

M = 12  # programs


def program_rates() -> ProgramRates:
    rng = np.random.default_rng(4)
    none = rng.uniform(0.02, 0.1, M)
    gold = none + rng.uniform(0.1, 0.4, M)
    return ProgramRates(
        ids=tuple(f"{i:010d}" for i in range(M)),
        by_type={g: rng.uniform(0.05, 0.3, M) for g in TYPES},
        in_state=rng.uniform(0.2, 0.6, M),
        out_of_state=rng.uniform(0.02, 0.2, M),
        tiers=("gold",),
        signal={"gold": gold, "none": none},
        season=2024,
    )


CELLS = cell_rates(program_rates(), {"md": 600.0, "do": 200.0, "non-us-img": 100.0}, {"gold": 3})


def target(specialty: str, share: float, n: float, kind: str = "md", own: bool = True) -> Target:
    figures = Figures(2026, share * n, (1 - share) * n, share, 250.0, 12.0, 242.0, n)
    return Target(specialty, kind, figures, Pool.from_figures(figures), CELLS, 15.0, own, "key")


FIT = Fit(
    params={g: Params(0.6, 0.8, 0.5) for g in TYPES},
    offsets={},
    neg_log_likelihood=0.0,
    covariance=np.zeros((0, 0)),
    names=(),
    targets=0,
    converged=True,
    shares={"key": 0.4},
)
TARGETS = [
    target("a", 0.9, 1000.0),
    target("b", 0.7, 300.0),
    target("c", 0.5, 100.0),
    target("d", 0.8, 200.0, kind="do"),
]


def test_the_share_is_all_of_the_list_where_the_specialty_counts_its_own() -> None:
    assert application_share(FIT, target("a", 0.9, 100.0, own=True)) == 1.0
    assert application_share(FIT, target("a", 0.9, 100.0, own=False)) == 0.4


def test_in_sample_predictions_are_probabilities_for_every_individual() -> None:
    for c in in_sample(TARGETS, FIT):
        assert list(c.predictions) == ["model", "lookup", "curve"]
        for p in c.predictions.values():
            assert p.shape == c.x.shape
            assert np.all((p >= 0) & (p <= 1))


def test_the_lookup_table_reproduces_its_own_cells_match_share() -> None:
    for c in in_sample(TARGETS, FIT):
        assert share_error(c, "lookup") == pytest.approx(0.0, abs=1e-12)


def test_the_full_fit_standing_in_for_every_refit_predicts_as_in_sample() -> None:
    cells = in_sample(TARGETS, FIT)
    add_held_out(cells, {t.specialty: FIT for t in TARGETS})
    for c in cells:
        assert np.array_equal(c.predictions["held_out"], c.predictions["model"])


def test_the_pooled_baseline_is_the_match_share_of_the_types_other_specialties() -> None:
    cells = in_sample(TARGETS, FIT)
    add_held_out(cells, {t.specialty: FIT for t in TARGETS})
    first = cells[0]  # "a": pooled over "b" (0.7 of 300) and "c" (0.5 of 100)
    assert first.predictions["pooled"] == pytest.approx(
        np.full(first.x.size, (0.7 * 300 + 0.5 * 100) / 400)
    )


def test_a_type_with_one_specialty_has_no_baselines_left_out() -> None:
    cells = in_sample(TARGETS, FIT)
    add_held_out(cells, {t.specialty: FIT for t in TARGETS})
    alone = cells[3]
    assert "pooled" not in alone.predictions and "logistic" not in alone.predictions
    p, _, _ = stacked(cells, "pooled")
    assert p.size == sum(c.x.size for c in cells[:3])  # the other type's cells only
    assert brier(cells[3:], "held_out") is not None


def test_the_logistic_baseline_rises_with_the_score_where_matched_applicants_score_higher() -> None:
    cells = in_sample(TARGETS, FIT)
    add_held_out(cells, {t.specialty: FIT for t in TARGETS})
    c = cells[0]
    order = np.argsort(c.x)
    assert np.all(np.diff(c.predictions["logistic"][order]) >= 0)
    assert np.all((c.predictions["logistic"] > 0) & (c.predictions["logistic"] < 1))


def one_cell(p: list[float], y: list[float], n: list[float]) -> Cell:
    return Cell(
        TARGETS[0],
        np.linspace(230.0, 260.0, len(p)),
        np.array(y),
        np.array(n),
        {"m": np.array(p)},
    )


def test_a_calibrated_prediction_scores_a_slope_of_one_and_no_calibration_error() -> None:
    # At each prediction, matched and unmatched individuals in the predicted proportion.
    chances = [0.15, 0.35, 0.65, 0.85]
    p = [q for q in chances for _ in (1, 0)]
    y = [1.0, 0.0] * len(chances)
    n = [w for q in chances for w in (q, 1 - q)]
    result = method_scores([one_cell(p, y, n)], "m")
    assert result.slope == pytest.approx(1.0, abs=1e-8)
    assert result.intercept == pytest.approx(0.0, abs=1e-8)
    assert result.calibration_error == pytest.approx(0.0, abs=1e-12)
    assert [b.predicted for b in result.table] == pytest.approx(chances)
    assert [b.observed for b in result.table] == pytest.approx(chances)


def test_the_brier_score_is_the_count_weighted_squared_error() -> None:
    cell = one_cell([0.2, 0.2, 0.9, 0.9], [0.0, 1.0, 1.0, 0.0], [3.0, 1.0, 2.0, 1.0])
    squares = 3 * 0.2**2 + 1 * 0.8**2 + 2 * 0.1**2 + 1 * 0.9**2
    assert brier([cell], "m") == pytest.approx(squares / 7)
    assert method_scores([cell], "m").scores.brier == brier([cell], "m")


def test_a_method_that_predicts_no_individual_has_no_brier_score() -> None:
    assert brier([one_cell([], [], [])], "m") is None


def test_a_missing_prediction_is_not_finite() -> None:
    assert all_finite([one_cell([0.2, 0.9], [0.0, 1.0], [1.0, 1.0])], "m")
    assert not all_finite([one_cell([0.2, float("nan")], [0.0, 1.0], [1.0, 1.0])], "m")
