"""Joint calibration of the simulator by simulated moments (METHODS §3.6).

The market (core.match.market) takes the engine's interviews as given; what it adds is how programs
rank the applicants they interviewed. Two things there are not pinned down by the engine's
closed form: how much each program's own view of an applicant adds to the strength every
program sees (tau), and how programs weigh applicant types beyond strength (a shift per type,
U.S. MD seniors the reference). They are fitted so that the simulated Match reproduces, cell
by cell (specialty x applicant type), the published share of applicants who matched in their
preferred specialty and the mean Step 2 CK of those who matched and of those who did not.

theta = (log tau, shift DO, shift IMG); U.S.-citizen and non-U.S. IMGs share the IMG shift.
Every evaluation ranks the same drawn markets again (common random numbers: core.match.market.
program_ranks), so the distance changes with theta only; Nelder-Mead minimizes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from smartpick.core.match.market import Draw, program_ranks
from smartpick.core.match.supplemental import match_supplemental_lists

Array = NDArray[np.float64]
NAMES = ("log_tau", "shift_do", "shift_img")
SHIFT_OF = {"md": None, "do": 1, "us-img": 2, "non-us-img": 2}
RATE_FLOOR = 0.01  # keeps a published share of 0 or 1 from dividing by zero


@dataclass(frozen=True)
class CellTarget:
    """The published figures of one cell that the simulation must reproduce."""

    specialty: int  # index of the market
    applicant_type: str
    match_share: float
    matched_centre: float
    matched_sd: float
    unmatched_centre: float | None = None  # None where the NRMP suppresses it


@dataclass(frozen=True)
class SmmFit:
    theta: tuple[float, float, float]
    distance: float
    start_distance: float
    evaluations: int
    runs: int
    cells: int

    @property
    def tau(self) -> float:
        return float(np.exp(self.theta[0]))

    def shift(self, applicant_type: str) -> float:
        k = SHIFT_OF[applicant_type]
        return 0.0 if k is None else float(self.theta[k])


@dataclass(frozen=True)
class SimulatedCell:
    """One target cell as the simulated Match reproduces it under some theta, over the draws."""

    target: CellTarget
    applicants: float  # per drawn market
    share: float  # matched in the preferred specialty; nan where nobody was drawn
    matched_mean: float | None  # mean Step 2 CK of the matched; None where nobody matched


def parameters_by_cohort(draw: Draw, theta: Sequence[float] | Array) -> tuple[Array, Array]:
    """(tau, shift) of each of the draw's cohorts under theta."""
    tau = np.full(len(draw.applicant_type), float(np.exp(theta[0])))
    shift = np.array(
        [
            0.0 if SHIFT_OF[g] is None else float(theta[SHIFT_OF[g] or 0])
            for g in draw.applicant_type
        ]
    )
    return tau, shift


def moments(
    draws: Sequence[Draw], theta: Sequence[float] | Array, targets: Sequence[CellTarget]
) -> tuple[Array, Array, Array, Array]:
    """Per target cell over the draws: (applicants, share matched, mean Step 2 CK of the
    matched, of the unmatched; nan where there is nobody)."""
    count = np.zeros(len(targets))
    won = np.zeros(len(targets))
    score = np.zeros(len(targets))
    total = np.zeros(len(targets))
    index = {(t.specialty, t.applicant_type): i for i, t in enumerate(targets)}
    for draw in draws:
        tau, shift = parameters_by_cohort(draw, theta)
        rank_of, sup_rank_of = program_ranks(draw, tau, shift)
        at = match_supplemental_lists(
            draw.applicant_ranks, rank_of, draw.capacities, draw.advanced, draw.sup_ranks,
            sup_rank_of,
        ).match  # fmt: skip
        # Matched in the preferred specialty, among applicants with a rank order list
        matched = (at >= draw.offset[draw.specialty]) & (at < draw.offset[draw.specialty + 1])
        types = np.array(draw.applicant_type)[draw.cohort]
        for (k, g), i in index.items():
            mask = (draw.specialty == k) & (types == g) & draw.active
            count[i] += mask.sum()
            won[i] += (mask & matched).sum()
            score[i] += draw.score[mask & matched].sum()
            total[i] += draw.score[mask].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        return count, won / count, score / won, (total - score) / (count - won)


def simulated_cells(
    draws: Sequence[Draw], theta: Sequence[float] | Array, targets: Sequence[CellTarget]
) -> list[SimulatedCell]:
    """Each target cell as the Match reproduces it under theta (the moments, per market)."""
    count, share, centre, _ = moments(draws, theta, targets)
    runs = len(draws)
    return [
        SimulatedCell(
            target=t,
            applicants=float(count[i] / runs),
            share=float(share[i]),
            matched_mean=None if not np.isfinite(centre[i]) else float(centre[i]),
        )
        for i, t in enumerate(targets)
    ]


def distance(
    draws: Sequence[Draw], theta: Sequence[float] | Array, targets: Sequence[CellTarget]
) -> float:
    """Applicant-weighted mean of the squared gaps, each in its own standard units: the match
    share against its binomial spread, the mean Step 2 CK of the matched and of the unmatched
    (where published) against the matched sd."""
    n, share, matched, unmatched = moments(draws, theta, targets)
    pub = np.array([t.match_share for t in targets])
    pub_matched = np.array([t.matched_centre for t in targets])
    pub_unmatched = np.array(
        [np.nan if t.unmatched_centre is None else t.unmatched_centre for t in targets]
    )
    sd = np.array([t.matched_sd for t in targets])
    spread = np.maximum(pub * (1 - pub), RATE_FLOOR)
    rate_gap = (share - pub) ** 2 / spread

    def gap(simulated: Array, published: Array) -> Array:
        usable = np.isfinite(simulated) & np.isfinite(published)
        return np.where(usable, ((simulated - published) / sd) ** 2, 0.0)

    if n.sum() <= 0:
        raise ValueError("no simulated applicant falls in any target cell")
    weight = n / n.sum()
    total = rate_gap + gap(matched, pub_matched) + gap(unmatched, pub_unmatched)
    # A cell nobody was drawn into has weight 0: its gap (nan) must not poison the sum
    return float(weight @ np.where(n > 0, np.nan_to_num(total), 0.0))


def fit(
    draws: Sequence[Draw],
    targets: Sequence[CellTarget],
    start: Sequence[float] = (0.0, 0.0, 0.0),
    max_evaluations: int = 60,
    progress: Callable[[str], None] | None = None,
) -> SmmFit:
    """Nelder-Mead on theta over fixed draws; the start is the reference (tau 1, no shift)."""
    calls = 0

    def objective(theta: Array) -> float:
        nonlocal calls
        calls += 1
        value = distance(draws, theta, targets)
        if progress is not None and calls % 10 == 0:
            progress(f"evaluation {calls}: distance {value:.4f}")
        return value

    begin = objective(np.asarray(start, dtype=np.float64))
    result = minimize(
        objective,
        np.asarray(start, dtype=np.float64),
        method="Nelder-Mead",
        options={"maxfev": max_evaluations, "xatol": 0.02, "fatol": 1e-4,
                 "initial_simplex": _simplex(start)},
    )  # fmt: skip
    theta = tuple(float(x) for x in result.x)
    return SmmFit(
        theta=(theta[0], theta[1], theta[2]),
        distance=float(result.fun),
        start_distance=begin,
        evaluations=calls,
        runs=len(draws),
        cells=len(targets),
    )


def _simplex(start: Sequence[float]) -> Array:
    """Steps of half a unit of log tau and of shift: the scale of the strength itself."""
    x0 = np.asarray(start, dtype=np.float64)
    return np.vstack([x0, *[x0 + 0.5 * np.eye(len(x0))[i] for i in range(len(x0))]])


def targets_for(
    specialties: Sequence[str],
    published: Mapping[tuple[str, str], tuple[float, float, float, float | None]],
) -> list[CellTarget]:
    """CellTargets for the cells with published figures: (share, matched centre, sd,
    unmatched centre) by (specialty, type), in the market's specialty order."""
    out = []
    for k, s in enumerate(specialties):
        for g in ("md", "do", "non-us-img"):
            figures = published.get((s, g))
            if figures is not None:
                out.append(CellTarget(k, g, *figures))
    return out
