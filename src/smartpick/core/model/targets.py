"""What the calibration fits to, and what the model implies for it: the published cells
(specialty x applicant type) expanded to individuals, the typical applicant's list, and the
moments on interviews (the share matched by number of interviews, contiguous-rank medians,
interviews per matched applicant), each computed from a cell's outlook (core.model.parameters).
core.model.calibration fits the parameters to them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from smartpick.core.model.interview import CellRates, expit
from smartpick.core.model.outcomes import normal_nodes
from smartpick.core.model.parameters import Params, Pool, Typical, compress, outlook
from smartpick.core.model.standing import Figures

Array = NDArray[np.float64]
# The dataset's names of the figures the fit is held to (specialty_figures metrics)
APPLICATIONS_METRIC = "eras:mean_applications_per_applicant"
CURVE_METRIC = "p_match_by_contiguous_ranks_approx_"
RANKS_MATCHED = "contiguous_ranks_matched_median"
RANKS_NOT_MATCHED = "contiguous_ranks_not_matched_median"
FIT_NODES = 12  # strength nodes while fitting


SCORE_NODES = 8  # nodes per matched / unmatched score distribution


@dataclass(frozen=True)
class Target:
    """One published cell: who applied, how they scored, and how they apply.

    `applications` is the published mean number of applications behind the cell's typical
    list: the specialty's own where published (`own_count`), else the type's mean over all
    specialties, of which the share going to the preferred specialty (`share_key`) is fitted.
    """

    specialty: str
    applicant_type: str
    figures: Figures
    pool: Pool
    cells: CellRates
    applications: float
    own_count: bool
    share_key: str
    signals: Mapping[str, int] | None = None  # the rates' season's signal counts

    @property
    def counts(self) -> tuple[float, float]:
        """(matched, unmatched) applicants behind the match share."""
        total = self.figures.share_n
        return self.figures.match_share * total, (1 - self.figures.match_share) * total

    @property
    def targets(self) -> int:
        return 1 if self.figures.unmatched_centre is None else 2

    def list_length(self, share: float) -> float:
        return self.applications if self.own_count else self.applications * share

    def typical(self, share: float, targeting: float = 1.0) -> Typical:
        return typical_applicant(
            self.cells, self.applicant_type, self.list_length(share), targeting, self.signals
        )


def typical_applicant(
    cells: CellRates,
    applicant_type: str,
    applications: float,
    targeting: float = 1.0,
    signals: Mapping[str, int] | None = None,
) -> Typical:
    """A typical applicant of the type: `applications` programs, chosen with chances that
    grow with each program's population interview rate for the type raised to `targeting`
    (applicants go where applicants like them are interviewed; 0 spreads them evenly), none
    above 1; applications split over in-state and signal cells. With `signals` (the season's
    count of each tier), the applicant sends every signal the season allows, so a tier's
    share of the applications is its count over the applications; without, the shares are
    the specialty's mix of a program's applicants."""
    mix = cells.mix
    tiers = dict(mix.tiers)
    if signals is not None:
        tiers = {t: min(signals.get(t, 0), applications) / max(applications, 1e-9)
                 for t in mix.tiers}  # fmt: skip
        if sum(tiers.values()) > 1.0:
            tiers = {t: v / sum(tiers.values()) for t, v in tiers.items()}
    rest = 1.0 - sum(tiers.values())
    parts: list[tuple[float, Array]] = []
    in_share = cells.in_state_share(applicant_type)
    for loc_share, loc in ((in_share, cells.location), (1 - in_share, 0 * cells.location)):
        base = cells.level[applicant_type] + loc
        parts.append((loc_share * rest, base))
        parts += [(loc_share * s, base + cells.signal[t]) for t, s in tiers.items()]
    rate = sum(share * expit(logit) for share, logit in parts)
    inclusion = cap_inclusion(np.asarray(rate, dtype=np.float64) ** targeting, applications)
    compressed = []
    for share, logit in parts:
        if share > 0:
            compressed.append((share, *compress(logit, inclusion)))
    return Typical(compressed)


def cap_inclusion(score: Array, total: float) -> Array:
    """Chances of applying that rise with `score` and saturate at 1: 1 - exp(-c score), with
    c such that they sum to min(total, m) (as if the applications were drawn with
    replacement in proportion to the score); smooth in `total`, which the fit needs."""
    m = score.size
    total = min(total, m * (1 - 1e-9))
    score = np.maximum(score, 1e-12)
    if total <= 0:
        return np.zeros(m)
    # Newton on log c: sum(1 - exp(-c s)) is increasing and concave in c.
    c = total / score.sum()
    for _ in range(60):
        chance = -np.expm1(-c * score)
        gap = chance.sum() - total
        slope = float((c * score * np.exp(-c * score)).sum())
        step = gap / max(slope, 1e-300)
        c *= math.exp(-min(max(step, -2.0), 2.0))
        if abs(gap) < 1e-10 * max(total, 1.0):
            break
    return np.asarray(-np.expm1(-c * score), dtype=np.float64)


def individuals(f: Figures, counts: tuple[float, float]) -> tuple[Array, Array, Array]:
    """The published cell as weighted individuals: (scores, matched 1/0, counts)."""
    z, w = normal_nodes(SCORE_NODES)
    m0 = f.matched_centre if f.unmatched_centre is None else f.unmatched_centre
    x = np.concatenate([f.matched_centre + f.matched_sd * z, m0 + f.matched_sd * z])
    y = np.concatenate([np.ones(z.size), np.zeros(z.size)])
    n = np.concatenate([counts[0] * w, counts[1] * w])
    return x, y, n


@dataclass(frozen=True)
class Curve:
    """The published share matched by number of interviews (programs ranked), pooled over
    specialties, of one applicant type: each k with its share, and the share's tolerance (the
    published curve is approximate)."""

    applicant_type: str
    ks: tuple[int, ...]
    shares: tuple[float, ...]
    tolerance: float


@dataclass(frozen=True)
class Ranks:
    """The published medians of contiguous ranks (interviews in the preferred specialty) of
    matched and unmatched applicants of one type and specialty."""

    specialty: str
    applicant_type: str
    matched: float
    not_matched: float


@dataclass(frozen=True)
class Moments:
    """Every published figure the model is fitted to besides the cells' scores."""

    curves: tuple[Curve, ...] = ()
    ranks: tuple[Ranks, ...] = ()
    # (specialty, interviews per matched applicant, relative tolerance): programs' reports
    interviews: tuple[tuple[str, float, float], ...] = ()


KMAX = 40  # interviews counted one by one up to this many (the last holds the rest)


RANK_TOLERANCE = 0.5  # a published median of whole ranks is known to within half a rank


@dataclass(frozen=True)
class CellResult:
    """What one cell gives under one set of parameters."""

    neg_log_likelihood: float
    matched_by_k: Array  # (KMAX + 1,): applicants matched with k interviews
    all_by_k: Array  # (KMAX + 1,): applicants with k interviews


def evaluate_cell(
    target: Target, params: Params, share: float, nodes: int = FIT_NODES
) -> CellResult:
    """The cell's individuals under the model: the likelihood of their published outcome and
    their interviews.

    Charting Outcomes counts applicants who ranked at least one program of the specialty
    first, so the likelihood is that of matching given at least one interview."""
    x, y, n = individuals(target.figures, target.counts)
    look = outlook(params, target.pool, target.typical(share, params.targeting), x, nodes)
    given = np.clip(look.p_match() / np.maximum(look.p_interviewed(), 1e-300), 1e-12, 1 - 1e-12)
    nll = -float(n @ (y * np.log(given) + (1 - y) * np.log1p(-given)))
    pmf = look.pmf(KMAX)
    matched = np.einsum("nek,e,n->k", pmf * look.match_given(KMAX), look.w_e, n)
    every = np.einsum("nek,e,n->k", pmf, look.w_e, n)
    return CellResult(nll, matched, every)


def median_of(counts: Array) -> float:
    """The median of whole numbers k = 0, 1, ... with these counts, interpolated within the
    median's unit (the grouped-data median): continuous in the counts."""
    total = counts.sum()
    if total <= 0:
        return float("nan")
    cdf = np.cumsum(counts) / total
    k = int(np.searchsorted(cdf, 0.5))
    before = cdf[k - 1] if k > 0 else 0.0
    return float(k - 0.5 + (0.5 - before) / max(cdf[k] - before, 1e-300))


def curve_of(cells: Sequence[CellResult], ks: Sequence[int]) -> list[float]:
    """The share matched among applicants with k interviews, pooled over cells."""
    matched = np.sum([c.matched_by_k for c in cells], axis=0)
    every = np.sum([c.all_by_k for c in cells], axis=0)
    return [float(matched[k] / every[k]) for k in ks]


def ranks_of(cell: CellResult) -> tuple[float, float]:
    """Median interviews of matched and of unmatched applicants who had at least one."""
    matched = cell.matched_by_k.copy()
    unmatched = cell.all_by_k - cell.matched_by_k
    matched[0] = unmatched[0] = 0.0
    return median_of(matched), median_of(np.maximum(unmatched, 0.0))


def interviews_when_matched(cells: Sequence[CellResult]) -> float:
    """Expected interviews of matched applicants, pooled over cells."""
    matched = np.sum([c.matched_by_k for c in cells], axis=0)
    return float(np.arange(KMAX + 1) @ matched / matched.sum())


def predict(params: Params, target: Target, scores: Array, share: float = 1.0,
            nodes: int = FIT_NODES) -> Array:  # fmt: skip
    """P(match | score) of the cell's typical applicant among those with at least one
    interview: what the published match shares count."""
    look = outlook(params, target.pool, target.typical(share, params.targeting), scores, nodes)
    return np.asarray(look.p_match() / np.maximum(look.p_interviewed(), 1e-300))
