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
from typing import Any

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
    counts = total_counts(outcomes)
    out += _curve(counts, len(outcomes), targets)
    out += _ranks(counts, targets)
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


def _curve(counts: InterviewCounts, markets: int, targets: NationalTargets) -> list[NationalMoment]:
    """U.S. MD share matched in the preferred specialty by its programs ranked."""
    out = []
    for k, share in zip(targets.curve_ks, targets.curve, strict=True):
        per_market = counts.md_ranked(k) / max(markets, 1)
        variance = _binomial(share, per_market) + targets.curve_tolerance**2
        simulated = counts.md_share(k)
        out.append(NationalMoment(f"md_matched_by_ranks:{k}", simulated, share, variance))
    return out


def _ranks(counts: InterviewCounts, targets: NationalTargets) -> list[NationalMoment]:
    """Non-U.S. IMG median contiguous ranks, matched and unmatched in the preferred specialty
    (applicants with at least one of its programs ranked: Charting Outcomes' applicants)."""
    out = []
    variance = targets.rank_tolerance**2
    for k, (matched, unmatched) in targets.ranks.items():
        won, lost = counts.img_medians(k)
        out.append(NationalMoment(f"ranks_matched:{k}", won, matched, variance))
        out.append(NationalMoment(f"ranks_unmatched:{k}", lost, unmatched, variance))
    return out


@dataclass(frozen=True)
class InterviewCounts:
    """Applicants by their number of interviews in the preferred specialty (its programs
    ranked, contiguous on the list), over one or more matched markets: U.S. MD seniors with a
    rank order list, all of them and those matched there (`md_all`, `md_won`, by k); and by
    market (specialty index), non-U.S. IMGs with at least one, matched there and not
    (`img_won`, `img_lost`). Counts add up over markets (`+`); a replication carries its own
    (core.match.national)."""

    md_all: Array
    md_won: Array
    img_won: Mapping[int, Array] = field(default_factory=dict)
    img_lost: Mapping[int, Array] = field(default_factory=dict)

    def __add__(self, other: InterviewCounts) -> InterviewCounts:
        def both(a: Mapping[int, Array], b: Mapping[int, Array]) -> dict[int, Array]:
            return {k: _add(a.get(k, np.zeros(1)), b.get(k, np.zeros(1))) for k in {*a, *b}}

        return InterviewCounts(
            _add(self.md_all, other.md_all), _add(self.md_won, other.md_won),
            both(self.img_won, other.img_won), both(self.img_lost, other.img_lost),
        )  # fmt: skip

    def md_ranked(self, k: int) -> float:
        return _at(self.md_all, k)

    def md_share(self, k: int) -> float:
        """The share matched among U.S. MD seniors with k ranks (nan where there are none)."""
        n = self.md_ranked(k)
        return _at(self.md_won, k) / n if n else float("nan")

    def img_medians(self, market: int) -> tuple[float, float]:
        """(matched, unmatched) median contiguous ranks of the market's non-U.S. IMGs."""
        none = np.zeros(1)
        return (
            median_of(self.img_won.get(market, none)),
            median_of(self.img_lost.get(market, none)),
        )


def interview_counts(
    draw: Draw, preferred: NDArray[np.bool_], types: NDArray[Any]
) -> InterviewCounts:
    """The InterviewCounts of one matched market (`preferred`: matched in the preferred
    specialty; `types`: each applicant's type)."""
    md = draw.active & (types == "md")
    img = (types == "non-us-img") & (draw.own > 0)
    won: dict[int, Array] = {}
    lost: dict[int, Array] = {}
    for k in np.unique(draw.specialty[img]):
        here = img & (draw.specialty == k)
        won[int(k)] = _add(np.zeros(1), np.bincount(draw.own[here & preferred]))
        lost[int(k)] = _add(np.zeros(1), np.bincount(draw.own[here & ~preferred]))
    return InterviewCounts(
        _add(np.zeros(1), np.bincount(draw.own[md])),
        _add(np.zeros(1), np.bincount(draw.own[md & preferred])),
        won,
        lost,
    )


def total_counts(outcomes: Sequence[Outcome]) -> InterviewCounts:
    """The InterviewCounts of matched markets together."""
    total = InterviewCounts(np.zeros(1), np.zeros(1))
    for o in outcomes:
        total = total + interview_counts(o.draw, o.preferred, o.types)
    return total


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


def _at(counts: Array, k: int) -> float:
    """The count at k (0 past the end: nobody had that many)."""
    return float(counts[k]) if k < counts.size else 0.0


def _add(a: Array, b: NDArray[Any]) -> Array:
    size = max(a.size, b.size)
    return np.pad(a, (0, size - a.size)) + np.pad(b.astype(np.float64), (0, size - b.size))
