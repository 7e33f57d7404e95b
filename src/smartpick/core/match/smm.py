"""Joint calibration of the simulator by simulated moments (METHODS §3.6).

The market (core.match.market) draws interviews from the engine's model; what it adds is how
applicants apply beyond the engine's typical list and how programs rank the applicants they
interviewed. theta holds both:

- log tau: how much the interview adds to what a program saw when it invited the applicant
  (core.match.ranking.program_ranks); shift DO, shift IMG, shift U.S. IMG: how programs weigh
  the type beyond that (U.S. MD seniors the reference; non-U.S. IMGs, and the others of no
  published type, the IMG shift; U.S.-citizen IMGs their own since the tenth pass: the NRMP
  publishes their match rate apart, 70% against 56%, and they need no visa);
- log applications of U.S. MD seniors, of DO seniors and of IMGs (U.S.-citizen and non-U.S.
  together): the multiplier of the engine's typical number of applications (0: the engine's);
- temperature of U.S. MD seniors, of DO seniors and of IMGs: how strongly applications follow
  the program's population interview rate for the type (1: the engine's typical list, 0:
  uniform over the specialty's programs);
- reach: how far below its bar (log-odds) a program with empty interview slots invites to
  fill them (0: never; a program never invites more than its slots, core.match.market);
- dispersion: how much applicants of a type differ in how many applications they send (the sd
  of the log of each applicant's own multiplier; 0: Poisson counts around the type's mean);
- impression: how much applicants differ in how they come across at interviews, alike at every
  program that interviews them (the sd of each applicant's own term in every program's
  evaluation; 0: each program's view of the interview its own).

The moments: cell by cell (specialty x type), the published share matched in the preferred
specialty and the mean Step 2 CK of the matched and of the unmatched; nationally, the
match rate by type, the fill rate (in all and by specialty), the share of registered
applicants with a rank order list, the mean applications per applicant by type, the U.S. MD
share matched by contiguous ranks and the non-U.S. IMG contiguous-rank medians
(core.match.moments), each against its sampling variance plus the model's own misfit. Each
evaluation draws its markets again from the same seeds (common random numbers:
core.match.crn), so the distance moves with theta, not with the random stream; Nelder-Mead
minimizes it.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from smartpick.core.match.applications import Behaviour
from smartpick.core.match.market import Draw
from smartpick.core.match.moments import (
    RATE_FLOOR,
    SCORE_MISFIT,
    SHARE_MISFIT,
    NationalMoment,
    NationalTargets,
    Outcome,
    national_moments,
)
from smartpick.core.match.national import OTHER, Market, filled_positions, soap_placements
from smartpick.core.match.ranking import program_ranks
from smartpick.core.match.soap import consideration_for
from smartpick.core.match.supplemental import match_supplemental_lists

Array = NDArray[np.float64]
NAMES = (
    "log_tau", "shift_do", "shift_img", "log_applications_md", "log_applications_do",
    "log_applications_img", "temperature_md", "temperature_do", "temperature_img", "reach",
    "dispersion", "impression", "shift_us_img",
)  # fmt: skip
# tau 1, no shift, the engine's lists, programs never below their bar, every applicant alike
REFERENCE = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0)
STEPS = (0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.5, 0.25, 0.5, 0.5)  # first simplex
SHIFT_OF = {"md": None, "do": 1, "us-img": 12, "non-us-img": 2, OTHER: 2}
APPLICATIONS_OF = {"md": 3, "do": 4, "us-img": 5, "non-us-img": 5, OTHER: 5}
TEMPERATURE_OF = {"md": 6, "do": 7, "us-img": 8, "non-us-img": 8, OTHER: 8}
REACH = 9
DISPERSION = 10
IMPRESSION = 11
# Names of records fitted before (issue 19's second pass: one multiplier for U.S.
# graduates, one temperature for all; its third: one temperature for U.S. graduates; its
# ninth: one shift for every IMG): each starts the parameters it became, unless the record
# names them itself
FORMER = {
    "shift_img": ("shift_img", "shift_us_img"),
    "log_applications_us": ("log_applications_md", "log_applications_do"),
    "temperature": ("temperature_md", "temperature_do", "temperature_img"),
    "temperature_us": ("temperature_md", "temperature_do"),
}


def behaviour(theta: Sequence[float] | Array) -> Behaviour:
    """How applicants apply and come across under theta (a negative temperature is read as 0:
    uniform; a negative reach, dispersion or impression as 0)."""
    return Behaviour(
        applications={g: float(np.exp(theta[i])) for g, i in APPLICATIONS_OF.items()},
        temperature={g: max(float(theta[i]), 0.0) for g, i in TEMPERATURE_OF.items()},
        reach=max(float(theta[REACH]), 0.0),
        dispersion=max(float(theta[DISPERSION]), 0.0),
        impression=max(float(theta[IMPRESSION]), 0.0),
    )


def start_from(named: Mapping[str, float]) -> tuple[float, ...]:
    """theta from a record's named entries (`FORMER` names read as the ones they became);
    the reference where the record has none."""
    values = dict(zip(NAMES, REFERENCE, strict=True))
    for name, value in named.items():  # what former names became, then the record's own
        for target in FORMER.get(name, ()):
            values[target] = float(value)
    for name, value in named.items():
        if name in values:
            values[name] = float(value)
    return tuple(values[n] for n in NAMES)


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
    theta: tuple[float, ...]
    distance: float
    start_distance: float
    evaluations: int
    runs: int
    cells: int
    seconds: float = 0.0

    @property
    def tau(self) -> float:
        return float(np.exp(self.theta[0]))

    def shift(self, applicant_type: str) -> float:
        k = SHIFT_OF[applicant_type]
        return 0.0 if k is None else float(self.theta[k])

    @property
    def behaviour(self) -> Behaviour:
        return behaviour(self.theta)


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


def outcomes(
    market: Market, streams: Sequence[np.random.SeedSequence], theta: Sequence[float] | Array
) -> list[Outcome]:
    """The markets of `streams` drawn under theta's behaviour, ranked under its tau and
    shifts, and matched (supplemental lists included)."""
    drawn = dataclasses.replace(market, behaviour=behaviour(theta))
    out = []
    for stream in streams:
        draw = drawn.draw(np.random.default_rng(stream))
        out.append(rematch(draw, theta))
    return out


def rematch(draw: Draw, theta: Sequence[float] | Array) -> Outcome:
    """A drawn market ranked again under theta's tau, shifts and impression, and matched."""
    tau, shift = parameters_by_cohort(draw, theta)
    rank_of, sup_rank_of = program_ranks(draw, tau, shift, behaviour(theta).impression)
    result = match_supplemental_lists(
        draw.applicant_ranks, rank_of, draw.capacities, draw.advanced, draw.sup_ranks,
        sup_rank_of,
    )  # fmt: skip
    return Outcome(draw, result.match, result.pgy1)


def soap_fit(
    market: Market,
    drawn: Sequence[Outcome],
    theta: Sequence[float] | Array,
    streams: Sequence[np.random.SeedSequence],
    share: float,
) -> tuple[float, float]:
    """The SOAP's consideration (core.match.soap) at which the SOAPs after the Matches of
    `drawn` (one per stream of `streams`, under theta) fill `share` of the positions those
    Matches left unfilled, and the share reached. Each SOAP draws from a stream of its own,
    the same at every trial value; the Match is not drawn again."""

    # What does not move with the consideration, once: each Match's filled positions and
    # how its programs evaluate
    fixed = [
        (o, filled_positions(o.draw, o.match, o.pgy1), parameters_by_cohort(o.draw, theta))
        for o in drawn
    ]

    def share_at(consideration: float) -> float:
        offered = placed = 0
        for (outcome, filled, ranking), stream in zip(fixed, streams, strict=True):
            draw = outcome.draw
            rng = np.random.default_rng(stream.generate_state(4))
            soap = soap_placements(market, draw, outcome.match, filled, ranking, rng, consideration)
            offered += int((draw.capacities - filled).sum())
            placed += int((soap >= 0).sum())
        return placed / offered if offered else 0.0

    return consideration_for(share_at, share)


def moments(
    outcomes: Sequence[Outcome], targets: Sequence[CellTarget]
) -> tuple[Array, Array, Array, Array]:
    """Per target cell over the matched markets: (applicants, share matched in the preferred
    specialty, mean Step 2 CK of the matched, of the unmatched; nan where there is nobody),
    among applicants with a rank order list."""
    count = np.zeros(len(targets))
    won = np.zeros(len(targets))
    score = np.zeros(len(targets))
    total = np.zeros(len(targets))
    index = {(t.specialty, t.applicant_type): i for i, t in enumerate(targets)}
    for o in outcomes:
        draw, matched, types = o.draw, o.preferred, o.types
        for (k, g), i in index.items():
            mask = (draw.specialty == k) & (types == g) & draw.active
            count[i] += mask.sum()
            won[i] += (mask & matched).sum()
            score[i] += draw.score[mask & matched].sum()
            total[i] += draw.score[mask].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        return count, won / count, score / won, (total - score) / (count - won)


def simulated_cells(
    outcomes: Sequence[Outcome], targets: Sequence[CellTarget]
) -> list[SimulatedCell]:
    """Each target cell as the matched markets reproduce it (the moments, per market)."""
    count, share, centre, _ = moments(outcomes, targets)
    runs = len(outcomes)
    return [
        SimulatedCell(
            target=t,
            applicants=float(count[i] / runs),
            share=float(share[i]),
            matched_mean=None if not np.isfinite(centre[i]) else float(centre[i]),
        )
        for i, t in enumerate(targets)
    ]


def cell_chi2(outcomes: Sequence[Outcome], targets: Sequence[CellTarget]) -> tuple[float, float]:
    """(sum over cells of the squared gaps over their variances, applicants per market): the
    share against its binomial variance for the cell's applicants per market, the mean
    Step 2 CK of the matched and of the unmatched (where published) against the matched
    sd's, each plus the model's own misfit (core.match.moments SHARE_MISFIT, SCORE_MISFIT)."""
    n, share, matched, unmatched = moments(outcomes, targets)
    pub = np.array([t.match_share for t in targets])
    pub_matched = np.array([t.matched_centre for t in targets])
    pub_unmatched = np.array(
        [np.nan if t.unmatched_centre is None else t.unmatched_centre for t in targets]
    )
    sd = np.array([t.matched_sd for t in targets])
    if n.sum() <= 0:
        raise ValueError("no simulated applicant falls in any target cell")
    runs = max(len(outcomes), 1)
    per = np.maximum(n / runs, 1e-9)  # applicants per market
    spread = np.maximum(pub * (1 - pub), RATE_FLOOR)
    rate_gap = (share - pub) ** 2 / (spread / per + SHARE_MISFIT**2)
    mean_variance = sd**2 / per + (SCORE_MISFIT * sd) ** 2

    def gap(simulated: Array, published: Array) -> Array:
        usable = np.isfinite(simulated) & np.isfinite(published)
        return np.where(usable, (simulated - published) ** 2 / mean_variance, 0.0)

    total = rate_gap + gap(matched, pub_matched) + gap(unmatched, pub_unmatched)
    # A cell nobody was drawn into has weight 0: its gap (nan) must not poison the sum
    chi2 = float(np.where(n > 0, np.nan_to_num(total), 0.0).sum())
    return chi2, float(n.sum()) / runs


def distance(
    outcomes: Sequence[Outcome],
    targets: Sequence[CellTarget],
    national: NationalTargets | None = None,
    moments: Sequence[NationalMoment] | None = None,
) -> float:
    """Every moment's chi-square (core.match.moments; the cells' as in `cell_chi2`), summed and
    divided by the cells' applicants per market (a scale only); the national moments are
    computed from `national` unless given as `moments`."""
    chi2, applicants = cell_chi2(outcomes, targets)
    if moments is None and national is not None:
        moments = national_moments(outcomes, national)
    chi2 += sum(m.chi2 for m in moments or ())
    return chi2 / applicants


def fit(
    market: Market,
    streams: Sequence[np.random.SeedSequence],
    targets: Sequence[CellTarget],
    national: NationalTargets | None = None,
    start: Sequence[float] = REFERENCE,
    max_evaluations: int = 60,
    progress: Callable[[str], None] | None = None,
    fixed: Mapping[int, float] | None = None,
) -> SmmFit:
    """Nelder-Mead on theta, every evaluation drawing the markets of `streams` again (common
    random numbers); `fixed` holds some of theta's entries (by index) at a value."""
    began = time.perf_counter()
    calls = 0
    hold = dict(fixed or {})
    free = [i for i in range(len(NAMES)) if i not in hold]
    x0 = np.array([start[i] for i in free], dtype=np.float64)

    def full(x: Array) -> Array:
        theta = np.array(start, dtype=np.float64)
        theta[free] = x
        for i, v in hold.items():
            theta[i] = v
        return theta

    def objective(x: Array) -> float:
        nonlocal calls
        calls += 1
        value = distance(outcomes(market, streams, full(x)), targets, national)
        if progress is not None and calls % 10 == 0:
            progress(f"evaluation {calls}: distance {value:.4f}")
        return value

    begin = objective(x0)
    result = minimize(
        objective, x0, method="Nelder-Mead",
        options={"maxfev": max_evaluations, "xatol": 0.02, "fatol": 1e-4,
                 "initial_simplex": _simplex(x0, [STEPS[i] for i in free])},
    )  # fmt: skip
    return SmmFit(
        theta=tuple(float(v) for v in full(result.x)),
        distance=float(result.fun),
        start_distance=begin,
        evaluations=calls,
        runs=len(streams),
        cells=len(targets),
        seconds=time.perf_counter() - began,
    )


def _simplex(x0: Array, steps: Sequence[float]) -> Array:
    """The first simplex: a step of each parameter's own scale from the start."""
    return np.vstack([x0, *[x0 + steps[i] * np.eye(len(x0))[i] for i in range(len(x0))]])


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
