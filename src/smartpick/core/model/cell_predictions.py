"""The validation's cells and what each method predicts for them (METHODS §5.4).

Every published cell is expanded to weighted individuals (core.model.targets.individuals). In
sample, the fitted model, the cell's own match share and the cell's own published curve
predict each individual's chance of matching. Leaving each specialty out, the model refitted
without the specialty predicts it, beside two baselines fitted on the other specialties of
the same applicant type: the type's pooled share and a logistic regression on the score.
The refits themselves are made by the caller (services.validation, in worker processes).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from smartpick.core.model.calibration import Fit
from smartpick.core.model.standing import p_match as curve
from smartpick.core.model.targets import (
    CellResult,
    Moments,
    Target,
    evaluate_cell,
    individuals,
    predict,
)
from smartpick.core.model.validation import (
    Bin,
    Scores,
    expected_calibration_error,
    pooled_logistic,
    recalibration,
    reliability,
    scores,
)

Array = NDArray[np.float64]


@dataclass
class Cell:
    target: Target
    x: Array
    y: Array
    n: Array
    predictions: dict[str, Array]


def application_share(fitted: Fit, t: Target) -> float:
    """The share of the cell's typical list that goes to its specialty: all of it where the
    specialty's own number of applications is published, else the fitted share."""
    return 1.0 if t.own_count else fitted.share(t.share_key, t.specialty)


def cell_results(
    targets: Sequence[Target], fitted: Fit, borrowed: Mapping[str, str]
) -> dict[tuple[str, str], CellResult]:
    """Each published cell's individuals under the fitted model (`evaluate_cell`: their
    interviews and matches), by (specialty, type); a type in `borrowed` (U.S.-citizen IMGs)
    is evaluated with the parameters of the type it borrows."""
    return {
        (t.specialty, t.applicant_type): evaluate_cell(
            t,
            fitted.for_cell(t.specialty, borrowed.get(t.applicant_type, t.applicant_type)),
            application_share(fitted, t),
        )
        for t in targets
    }


def in_sample(targets: Sequence[Target], fitted: Fit) -> list[Cell]:
    """Each published cell as individuals, with the in-sample predictions: the fitted model
    ("model"), the cell's match share whatever the score ("lookup") and the cell's own
    published curve ("curve")."""
    cells = []
    for t in targets:
        x, y, n = individuals(t.figures, t.counts)
        cells.append(
            Cell(
                t,
                x,
                y,
                n,
                {
                    "model": predict(
                        fitted.for_cell(t.specialty, t.applicant_type),
                        t,
                        x,
                        application_share(fitted, t),
                    ),
                    "lookup": np.full(x.size, t.figures.match_share),
                    "curve": curve(x, t.figures),
                },
            )
        )
    return cells


def add_held_out(cells: Sequence[Cell], holdout: Mapping[str, Fit]) -> None:
    """Add to each cell the predictions that leave its specialty out: the model refitted
    without it ("held_out", from `holdout`, a fit by left-out specialty) and, where the type
    has other specialties, their pooled share ("pooled") and a logistic regression on the
    score fitted to them ("logistic")."""
    for c in cells:
        t = c.target
        others = [
            o
            for o in cells
            if o.target.applicant_type == t.applicant_type and o.target.specialty != t.specialty
        ]
        held = holdout[t.specialty]
        c.predictions["held_out"] = predict(
            held.for_cell(t.specialty, t.applicant_type), t, c.x, application_share(held, t)
        )
        if others:
            x = np.concatenate([o.x for o in others])
            y = np.concatenate([o.y for o in others])
            n = np.concatenate([o.n for o in others])
            c.predictions["pooled"] = np.full(c.x.size, float(n @ y / n.sum()))
            a, b = pooled_logistic(x, y, n)
            c.predictions["logistic"] = 1 / (1 + np.exp(-(a + b * c.x)))


def stacked(cells: Sequence[Cell], method: str) -> tuple[Array, Array, Array]:
    """One method's predictions, outcomes and counts over the cells it predicts."""
    chosen = [c for c in cells if method in c.predictions]
    return (
        np.concatenate([c.predictions[method] for c in chosen]),
        np.concatenate([c.y for c in chosen]),
        np.concatenate([c.n for c in chosen]),
    )


def share_error(c: Cell, method: str) -> float:
    """The method's predicted match share of the cell minus the published one."""
    p = c.predictions[method]
    return float(c.n @ p / c.n.sum() - c.n @ c.y / c.n.sum())


@dataclass(frozen=True)
class MethodScores:
    """How one method scores over the cells: Brier score and log loss, the recalibration
    intercept and slope, the reliability table and its expected calibration error."""

    scores: Scores
    intercept: float
    slope: float
    table: list[Bin]
    calibration_error: float


def method_scores(cells: Sequence[Cell], method: str) -> MethodScores:
    """Score one method over every cell it predicts."""
    p, y, n = stacked(cells, method)
    table = reliability(p, y, n)
    a, b = recalibration(p, y, n)
    return MethodScores(scores(p, y, n), a, b, table, expected_calibration_error(table))


def brier(cells: Sequence[Cell], method: str) -> float | None:
    """The method's Brier score over the cells, None where it predicts no individual."""
    p, y, n = stacked(cells, method)
    return scores(p, y, n).brier if p.size else None


def all_finite(cells: Sequence[Cell], method: str) -> bool:
    """Whether every prediction of the method is a finite number."""
    return all(math.isfinite(float(v)) for c in cells for v in c.predictions[method])


def published_interviews(moments: Moments) -> dict[str, Any]:
    """The published figures on interviews the engine and the simulated Match are held to:
    the U.S. MD share matched by programs ranked (k -> share, an approximate curve) and the
    non-U.S. IMG contiguous-rank medians (specialty -> matched / not_matched)."""
    return {
        "md_share_matched_by_ranks": {
            str(k): v for c in moments.curves if c.applicant_type == "md"
            for k, v in zip(c.ks, c.shares, strict=True)
        },
        "non_us_img_contiguous_ranks_median": {
            r.specialty: {"matched": r.matched, "not_matched": r.not_matched}
            for r in moments.ranks if r.applicant_type == "non-us-img"
        },
    }  # fmt: skip
