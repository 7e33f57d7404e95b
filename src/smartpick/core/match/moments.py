"""The national moments of the simulated Match that the simulated-moments fit (core.match.smm)
holds beside the cells, each computed from matched markets and weighed by its precision.

Every moment adds its chi-square, (simulated - published)^2 / variance, with the variance of
the published figure:

- **match rate by type** (matched anywhere, among applicants with a rank order list, as the
  NRMP counts): binomial, p (1 - p) / n with n the NRMP's count of the type's applicants;
- **fill rate** (positions filled in the Match, PGY-1 positions of supplemental lists
  included): binomial over the NRMP's positions offered;
- **active share** (registered applicants who submit a rank order list): binomial over the
  NRMP's registered applicants;
- **U.S. MD share matched by contiguous ranks** (in the preferred specialty, by the number
  of its programs ranked): binomial over the simulated applicants with k ranks, plus the
  published curve's own tolerance squared (it is read off a chart);
- **non-U.S. IMG contiguous-rank medians** (matched and unmatched, by specialty): the
  tolerance of a median of whole ranks (half a rank) squared.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from smartpick.core.match.market import Draw
from smartpick.core.model.targets import median_of

Array = NDArray[np.float64]
RATE_FLOOR = 0.01  # keeps a published share of 0 or 1 from dividing by zero
# The model's own misfit, added to every moment's sampling variance: a simulated market is
# not the real one, and with sampling variance alone the moments counted over the most
# applicants (the cells) outweigh every national figure whatever their gaps. Shares: 2.5
# points (the tolerance of the published curve by ranks); mean scores: a tenth of the
# cell's standard deviation (about 1.5 points of Step 2 CK).
SHARE_MISFIT = 0.025
SCORE_MISFIT = 0.1


@dataclass(frozen=True)
class Outcome:
    """One drawn market and its Match: each applicant's program (-1: none) and the PGY-1
    program of those matched to an advanced one (-1: none)."""

    draw: Draw
    match: NDArray[np.int32]
    pgy1: NDArray[np.int32]

    @property
    def preferred(self) -> NDArray[np.bool_]:
        """Matched in the preferred specialty."""
        d, at = self.draw, self.match
        return np.asarray((at >= d.offset[d.specialty]) & (at < d.offset[d.specialty + 1]))

    @property
    def types(self) -> NDArray[np.str_]:
        return np.array(self.draw.applicant_type)[self.draw.cohort]


@dataclass(frozen=True)
class NationalTargets:
    """The published national figures: each with the count or tolerance of its precision."""

    match_rate: Mapping[str, tuple[float, float]] = field(default_factory=dict)  # (rate, n)
    fill_rate: tuple[float, float] | None = None  # (rate, positions offered)
    active_share: tuple[float, float] | None = None  # (share, registered applicants)
    curve_ks: tuple[int, ...] = ()  # U.S. MD share matched by contiguous ranks
    curve: tuple[float, ...] = ()
    curve_tolerance: float = 0.0
    ranks: Mapping[int, tuple[float, float]] = field(default_factory=dict)  # market -> medians
    rank_tolerance: float = 0.5
    fill: Mapping[int, tuple[float, float]] = field(default_factory=dict)  # market -> (rate, n)
    # market -> type -> (share of the market's filled positions, positions filled)
    filled_by: Mapping[int, Mapping[str, tuple[float, float]]] = field(default_factory=dict)
    applications: Mapping[str, float] = field(default_factory=dict)  # type -> mean per applicant
    applications_tolerance: float = 0.1  # relative


@dataclass(frozen=True)
class NationalMoment:
    name: str
    simulated: float
    published: float
    variance: float

    @property
    def chi2(self) -> float:
        if not np.isfinite(self.simulated):
            return 0.0
        return float((self.simulated - self.published) ** 2 / self.variance)


def _binomial(p: float, n: float) -> float:
    return max(p * (1 - p), RATE_FLOOR) / max(n, 1.0)


def _share(p: float, n: float) -> float:
    """A published share's variance: sampling and the model's misfit."""
    return _binomial(p, n) + SHARE_MISFIT**2


def national_moments(outcomes: Sequence[Outcome], targets: NationalTargets) -> list[NationalMoment]:
    """Each national moment over the matched markets, beside its published figure."""
    out: list[NationalMoment] = []
    types = [o.types for o in outcomes]
    active = _by_type(outcomes, lambda o: o.draw.active)
    won = _by_type(outcomes, lambda o: o.draw.active & (o.match >= 0))
    for g, (rate, n) in targets.match_rate.items():
        simulated = won.get(g, 0) / active[g] if active.get(g) else float("nan")
        out.append(NationalMoment(f"match_rate:{g}", simulated, rate, _share(rate, n)))
    filled, names = _filled(outcomes)
    positions = sum(o.draw.capacities.astype(np.float64) for o in outcomes)
    if targets.fill_rate is not None:
        rate, n = targets.fill_rate
        simulated = float(filled.sum() / np.sum(positions))
        out.append(NationalMoment("fill_rate", simulated, rate, _share(rate, n)))
    if targets.active_share is not None:
        share, n = targets.active_share
        registered = sum(o.draw.active.size for o in outcomes)
        simulated = sum(active.values()) / registered
        out.append(NationalMoment("active_share", simulated, share, _share(share, n)))
    if outcomes:
        offset = outcomes[0].draw.offset
        out += _fill(filled.sum(axis=1), np.asarray(positions), offset, targets)
        out += _filled_by(filled, names, offset, targets)
    for g, mean in targets.applications.items():
        sent = np.concatenate([o.draw.sent[t == g] for o, t in zip(outcomes, types, strict=True)])
        variance = (targets.applications_tolerance * mean) ** 2
        simulated = float(sent.mean()) if sent.size else float("nan")
        out.append(NationalMoment(f"applications:{g}", simulated, mean, variance))
    out += _curve(outcomes, types, targets)
    out += _ranks(outcomes, types, targets)
    return out


def _filled(outcomes: Sequence[Outcome]) -> tuple[Array, list[str]]:
    """(programs x types) positions filled in the Match over the markets (supplemental lists
    too), by the type of who filled them, and the types' names."""
    if not outcomes:
        return np.zeros((0, 0)), []
    names = sorted({g for o in outcomes for g in o.draw.applicant_type})
    size = outcomes[0].draw.capacities.size
    table = np.zeros(size * len(names))
    for o in outcomes:
        code = np.array([names.index(g) for g in o.draw.applicant_type])[o.draw.cohort]
        for at in (o.match, o.pgy1):
            here = at >= 0
            cell = at[here].astype(np.int64) * len(names) + code[here]
            table += np.bincount(cell, minlength=table.size)
    return table.reshape(size, len(names)), names


def _fill(
    filled: Array, positions: Array, offset: NDArray[np.int32], targets: NationalTargets
) -> list[NationalMoment]:
    """Each market's share of positions filled in the Match (its supplemental lists too)."""
    out = []
    for k, (rate, n) in targets.fill.items():
        a, b = int(offset[k]), int(offset[k + 1])
        simulated = filled[a:b].sum() / positions[a:b].sum()
        out.append(NationalMoment(f"fill:{k}", float(simulated), rate, _share(rate, n)))
    return out


def _filled_by(
    filled: Array, names: list[str], offset: NDArray[np.int32], targets: NationalTargets
) -> list[NationalMoment]:
    """Each market's filled positions by the type of who filled them, as shares."""
    out = []
    for k, shares in targets.filled_by.items():
        taken = filled[int(offset[k]) : int(offset[k + 1])].sum(axis=0)
        total = taken.sum()
        for g, (share, n) in shares.items():
            got = taken[names.index(g)] if g in names else 0.0
            simulated = float(got / total) if total else float("nan")
            out.append(NationalMoment(f"filled_by:{k}:{g}", simulated, share, _share(share, n)))
    return out


def _curve(
    outcomes: Sequence[Outcome], types: Sequence[NDArray[np.str_]], targets: NationalTargets
) -> list[NationalMoment]:
    """U.S. MD share matched in the preferred specialty by its programs ranked."""
    out = []
    for k, share in zip(targets.curve_ks, targets.curve, strict=True):
        n = won = 0
        for o, t in zip(outcomes, types, strict=True):
            mask = o.draw.active & (t == "md") & (o.draw.own == k)
            n += int(mask.sum())
            won += int((mask & o.preferred).sum())
        per_market = n / max(len(outcomes), 1)
        variance = _binomial(share, per_market) + targets.curve_tolerance**2
        simulated = won / n if n else float("nan")
        out.append(NationalMoment(f"md_matched_by_ranks:{k}", simulated, share, variance))
    return out


def _ranks(
    outcomes: Sequence[Outcome], types: Sequence[NDArray[np.str_]], targets: NationalTargets
) -> list[NationalMoment]:
    """Non-U.S. IMG median contiguous ranks, matched and unmatched in the preferred specialty
    (applicants with at least one of its programs ranked: Charting Outcomes' applicants)."""
    out = []
    variance = targets.rank_tolerance**2
    for k, (matched, unmatched) in targets.ranks.items():
        won = np.zeros(1)
        lost = np.zeros(1)
        for o, t in zip(outcomes, types, strict=True):
            mask = (o.draw.specialty == k) & (t == "non-us-img") & (o.draw.own > 0)
            won = _add(won, np.bincount(o.draw.own[mask & o.preferred]))
            lost = _add(lost, np.bincount(o.draw.own[mask & ~o.preferred]))
        out.append(NationalMoment(f"ranks_matched:{k}", median_of(won), matched, variance))
        out.append(NationalMoment(f"ranks_unmatched:{k}", median_of(lost), unmatched, variance))
    return out


def active_by_type(outcomes: Sequence[Outcome]) -> dict[str, float]:
    """Applicants with a rank order list per drawn market, by type."""
    counts = _by_type(outcomes, lambda o: o.draw.active)
    return {g: n / len(outcomes) for g, n in counts.items()}


def _by_type(
    outcomes: Sequence[Outcome], which: Callable[[Outcome], NDArray[np.bool_]]
) -> dict[str, int]:
    """How many applicants `which` picks over the markets, by type."""
    out: dict[str, int] = {}
    for o in outcomes:
        counts = np.bincount(o.draw.cohort[which(o)], minlength=len(o.draw.applicant_type))
        for g, n in zip(o.draw.applicant_type, counts, strict=True):
            out[g] = out.get(g, 0) + int(n)
    return out


def _add(a: Array, b: NDArray[np.int64]) -> Array:
    size = max(a.size, b.size)
    return np.pad(a, (0, size - a.size)) + np.pad(b.astype(np.float64), (0, size - b.size))
