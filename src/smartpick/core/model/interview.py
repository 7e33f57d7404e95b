"""Each program's chance of interviewing one applicant, anchored on its own published rates.

The program rates (one season's interview-offer shares) are margins: by applicant type, by
in-state or out-of-state school, and by signal tier. None is the rate of one applicant.
Two steps turn them into a personal probability.

1. Population cell rates. Within a program, the log-odds of an offer are additive in type,
   location and signal: logit r(g, loc, sig) = a_g + d_loc + k_sig. The location and signal
   effects are the program's own log odds ratios (in-state against out-of-state, each signal
   tier against no signal); a signal effect is never below zero and gold is never below
   silver. The type level a_g is solved so that the program's applicants of type g, mixed
   over location and signal in the specialty's shares, reproduce the published type rate.
2. Strength. Each cell rate is the average over the applicants in it, whose strength S is
   normal with mean 0 and variance v. The cell intercept A solves
   E[expit(A + S)] = r_cell, and an applicant of strength S then has expit(A + S).

A rate published as 0.00 lies in [0, 0.005): it is read as 0.0025, the middle; 1.00 likewise
as 0.9975. Missing margins borrow the specialty's median effect and say so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from smartpick.core.model.outcomes import normal_nodes
from smartpick.core.numbers import counted

Array = NDArray[np.float64]

TYPES = ("md", "do", "us-img", "non-us-img")
ROUNDING = 0.01  # the rates are published to two decimals
LOW, HIGH = ROUNDING / 4, 1 - ROUNDING / 4  # the middle of [0, 0.005) and of (0.995, 1]
NEWTON_STEPS = 30


def logit(p: Array) -> Array:
    return np.asarray(np.log(p) - np.log1p(-p), dtype=np.float64)


def expit(x: Array) -> Array:
    return np.asarray(np.exp(-np.logaddexp(0.0, -x)), dtype=np.float64)


def clamp(rate: Array) -> Array:
    """Published shares to the open interval (a 0.00 is read as 0.0025)."""
    return np.clip(rate, LOW, HIGH)


@dataclass(frozen=True)
class ProgramRates:
    """One specialty's published program rates as arrays; NaN where a rate is missing.

    `tiers` names the signal tiers of the rates' season, strongest first: ("gold", "silver"),
    ("signal",) or () when the specialty had no signals; `signal` holds one array per tier
    plus "none" for applicants who did not signal.
    """

    ids: tuple[str, ...]
    by_type: Mapping[str, Array]
    in_state: Array
    out_of_state: Array
    tiers: tuple[str, ...]
    signal: Mapping[str, Array]
    season: int

    @property
    def size(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class Mix:
    """How a program's applicants split over location and signal (specialty-level shares)."""

    in_state: float
    tiers: Mapping[str, float]  # share of a program's applicants who sent each tier


@dataclass(frozen=True)
class CellRates:
    """Population interview rates of every program for every (type, location, signal) cell.

    `level[g]` is a_g (m,), `location` d_in - d_out (m,), `signal[t]` k_t (m,), so that
    logit r = level[g] + location * in_state + signal[t] (t = "none" gives 0).
    """

    level: Mapping[str, Array]
    location: Array
    signal: Mapping[str, Array]
    mix: Mix
    notes: tuple[str, ...] = field(default=())
    # The share of each type's applicants who are in-state: U.S. graduates only (IMGs have no
    # U.S. school), so U.S. MD and DO applicants carry the whole in-state share.
    in_share: Mapping[str, float] = field(default_factory=dict)

    def in_state_share(self, applicant_type: str) -> float:
        return self.in_share.get(applicant_type, self.mix.in_state)

    def logit_rate(self, applicant_type: str, in_state: Array, tier: Sequence[str]) -> Array:
        """Log-odds of the population rate for one applicant's cells, program by program."""
        sig = np.array([self.signal[t][j] for j, t in enumerate(tier)], dtype=np.float64)
        return self.level[applicant_type] + self.location * in_state + sig


@dataclass(frozen=True)
class Shrinkage:
    """How one column of published rates was pulled toward its specialty (empirical Bayes):
    the stated prior number of applicants behind each program's rate, the column's centre
    over programs, and the prior's concentration (in applicants) from the spread between
    programs beyond binomial noise."""

    applicants: float
    centre: float
    concentration: float

    @property
    def weight(self) -> float:
        """The weight of a program's own rate in its shrunk rate."""
        return self.applicants / (self.applicants + self.concentration)


MIN_CONCENTRATION = 0.5  # applicants: a prior never weaker than this


def shrink_column(rates: Array, applicants: float) -> tuple[Array, Shrinkage]:
    """Each program's rate as Beta-binomial evidence: `applicants` applicants (a stated prior:
    the count is not published), a Beta prior with the column's mean over programs and a
    concentration from the between-program variance that binomial noise does not explain
    (method of moments); the posterior mean (n r + k m) / (n + k). A published 0.00 or 1.00
    is then never taken as certain."""
    finite = rates[np.isfinite(rates)]
    n = max(applicants, 1.0)
    if finite.size < 3:
        return rates, Shrinkage(n, float("nan"), 0.0)
    centre = float(np.clip(finite.mean(), LOW, HIGH))
    noise = centre * (1 - centre) / n
    between = max(float(finite.var()) - noise, 1e-6)
    k = max(centre * (1 - centre) / between - 1.0, MIN_CONCENTRATION)
    shrunk = np.where(np.isfinite(rates), (n * rates + k * centre) / (n + k), rates)
    return np.asarray(shrunk, dtype=np.float64), Shrinkage(n, centre, k)


def shrink(
    rates: ProgramRates, per_program: float, type_shares: Mapping[str, float], mix: Mix
) -> tuple[ProgramRates, dict[str, Shrinkage]]:
    """Every column of a specialty's rates shrunk toward its centre (`shrink_column`), each
    over the applicants it counts: `per_program` applicants to a program, split by type
    (`type_shares`, the specialty's applicants by type), by in-state or not and by signal
    tier (`mix`)."""
    total = sum(type_shares.values()) or 1.0
    done: dict[str, Shrinkage] = {}
    by_type = {}
    for g, column in rates.by_type.items():
        share = type_shares.get(BORROWS.get(g, g), 0.0) / total
        by_type[g], done[g] = shrink_column(column, per_program * share)
    in_state, done["in_state"] = shrink_column(rates.in_state, per_program * mix.in_state)
    out_of_state, done["out_of_state"] = shrink_column(
        rates.out_of_state, per_program * (1 - mix.in_state)
    )
    signal = {}
    for t, column in rates.signal.items():
        share = mix.tiers.get(t, 0.0) if t != "none" else 1.0 - sum(mix.tiers.values())
        signal[t], done[t] = shrink_column(column, per_program * share)
    shrunk = ProgramRates(
        rates.ids, by_type, in_state, out_of_state, rates.tiers, signal, rates.season
    )
    return shrunk, done


# U.S.-citizen IMGs have no count of their own in the Charting Outcomes figures: their share
# of a program's applicants is taken as non-U.S. IMGs' (an upper end: fewer, so noisier).
BORROWS = {"us-img": "non-us-img"}


def _median(values: Array, default: float) -> float:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else default


def cell_rates(
    rates: ProgramRates,
    type_shares: Mapping[str, float],
    signals: Mapping[str, int],
    location_cap: float | None = None,
    known_location: Array | None = None,
    types: Sequence[str] = TYPES,
) -> CellRates:
    """Step 1: the additive log-odds cells, consistent with each program's type rates.

    `type_shares` are the specialty's applicant shares by type (used only to estimate how many
    of a program's applicants were in-state or signaled); `signals` the tier counts of the
    rates' season (gold and silver, or signal). The in-state effect is solved among U.S.
    graduates (`_solve_location`): the published in-state rate counts only them, the
    out-of-state rate the IMGs too. `location_cap` bounds it: the in-state rate also includes
    the program's own school's students, whom an applicant from another school of the state
    is not. `known_location` (an earlier solve's effects, for rates within their rounding of
    the same ones) skips the solve, and then only the levels of `types` are solved.
    """
    notes: list[str] = []
    m = rates.size
    # Location: the program's own log odds ratio; the specialty median where it is missing.
    loc = logit(clamp(rates.in_state)) - logit(clamp(rates.out_of_state))
    loc_median = _median(loc, 0.0)
    if np.isnan(loc).any():
        notes.append(
            "no in-state or out-of-state rate is published for "
            f"{counted(int(np.isnan(loc).sum()), 'program')}: the specialty's median location "
            "effect is used"
        )
    location = np.where(np.isfinite(loc), loc, loc_median)
    # Signals: each tier's log odds ratio against no signal, floored at 0, gold >= silver.
    signal: dict[str, Array] = {"none": np.zeros(m)}
    none = logit(clamp(rates.signal["none"])) if rates.tiers else np.zeros(m)
    floor = np.zeros(m)
    for tier in reversed(rates.tiers):  # weakest first, so each tier floors the next
        effect = logit(clamp(rates.signal[tier])) - none
        effect = np.where(np.isfinite(effect), effect, _median(effect, 0.0))
        effect = np.maximum(effect, floor)
        signal[tier] = effect
        floor = effect
    missing_sig = [t for t in rates.tiers if np.isnan(rates.signal[t] - rates.signal["none"]).any()]
    if missing_sig:
        notes.append(
            "programs without a published signal rate take the specialty's median signal effect"
        )
    mix = estimate_mix(rates, type_shares, signals)
    in_share = in_state_shares(type_shares, mix)
    if known_location is not None:
        level = {g: _solve_level(rates, g, known_location, signal, mix, in_share[g]) for g in types}
        return CellRates(level, known_location, signal, mix, tuple(notes), in_share)
    location, level = _solve_location(rates, type_shares, location, signal, mix, in_share)
    capped = 0 if location_cap is None else int((np.abs(location) > location_cap).sum())
    if capped:
        assert location_cap is not None
        location = np.clip(location, -location_cap, location_cap)
        level = {g: _solve_level(rates, g, location, signal, mix, in_share[g]) for g in TYPES}
        notes.append(
            f"the in-state effect among U.S. graduates of {counted(capped, 'program')} is taken "
            "at most at the "
            f"largest published odds ratio ({np.exp(location_cap):.2f}) either way: their "
            "in-state rates include their own school's students, and a larger effect cannot "
            "be reconciled with their type rates"
        )
    for g in TYPES:
        gap = int(np.isnan(rates.by_type[g]).sum())
        if gap:
            notes.append(
                f"no {g} rate is published for {counted(gap, 'program')}: the specialty's "
                "median is used"
            )
    return CellRates(level, location, signal, mix, tuple(notes), in_share)


US_TYPES = ("md", "do")  # graduates of U.S. schools: the only applicants with a school state
LOCATION_ROUNDS = 10


def in_state_shares(type_shares: Mapping[str, float], mix: Mix) -> dict[str, float]:
    """The share of each type's applicants to a program who are in-state: none of the IMGs;
    for U.S. graduates, the program's in-state share over their share of its applicants."""
    total = sum(type_shares.values()) or 1.0
    us = sum(type_shares.get(g, 0.0) for g in US_TYPES) / total
    share = min(mix.in_state / us, 0.95) if us > 0 else mix.in_state
    return {g: share if g in US_TYPES else 0.0 for g in TYPES}


def _solve_location(
    rates: ProgramRates,
    type_shares: Mapping[str, float],
    start: Array,
    signal: Mapping[str, Array],
    mix: Mix,
    in_share: Mapping[str, float],
) -> tuple[Array, dict[str, Array]]:
    """The in-state effect among U.S. graduates, solved with the type levels: levels that
    reproduce the type rates given the effect, then the effect that reproduces the published
    in-state rate given the levels (U.S. MD and DO applicants in the specialty's proportion,
    over the signal mix), alternately. Programs without an in-state rate keep `start`."""
    location = start.copy()
    target = rates.in_state
    known = np.isfinite(target)
    us = {g: type_shares.get(g, 0.0) for g in US_TYPES}
    us_total = sum(us.values())
    level = {g: _solve_level(rates, g, location, signal, mix, in_share[g]) for g in TYPES}
    if us_total <= 0 or not known.any():
        return location, level
    rest = 1.0 - sum(mix.tiers.values())
    for _ in range(LOCATION_ROUNDS):
        cells = [
            (us[g] / us_total * share, level[g] + signal[t])
            for g in US_TYPES
            for t, share in (("none", rest), *mix.tiers.items())
        ]
        weights = np.array([w for w, _ in cells])
        offsets = np.vstack([d for _, d in cells])  # (cells, m)
        solved = _newton(
            location.copy(), clamp(np.where(known, target, 0.5)), _cells_at(offsets), weights
        )
        location = np.where(known, solved, location)
        level = {g: _solve_level(rates, g, location, signal, mix, in_share[g]) for g in TYPES}
    return location, level


def estimate_mix(
    rates: ProgramRates, type_shares: Mapping[str, float], signals: Mapping[str, int]
) -> Mix:
    """The share of a program's applicants from in-state schools, and who signaled it, from
    the program's overall rate R (type rates weighted by the specialty's type shares):
    R = r_out + w_in (r_in - r_out), and R = r_none + t sum_tier n_tier (r_tier - r_none)
    with n_tier the tier's signal count. The specialty's median over programs is used."""
    total = sum(type_shares.values())
    overall = np.zeros(rates.size)
    for g, share in type_shares.items():
        overall = overall + share / total * np.nan_to_num(rates.by_type[g])
    gap = rates.in_state - rates.out_of_state
    with np.errstate(invalid="ignore", divide="ignore"):
        w_in = np.where(gap > ROUNDING, (overall - rates.out_of_state) / gap, np.nan)
    w_in = np.where((w_in > 0) & (w_in < 1), w_in, np.nan)
    tiers: dict[str, float] = {}
    if rates.tiers:
        # One tier needs no count (the share is solved directly); two tiers split it by their
        # counts in the rates' season, evenly where the counts are not known.
        counts = {t: signals.get(t) or 1 for t in rates.tiers}
        lift = sum(counts[t] * (rates.signal[t] - rates.signal["none"]) for t in rates.tiers)
        with np.errstate(invalid="ignore", divide="ignore"):
            per_signal = np.where(lift > ROUNDING, (overall - rates.signal["none"]) / lift, np.nan)
        scale = _median(np.where(per_signal > 0, per_signal, np.nan), 0.0)
        for t in rates.tiers:
            tiers[t] = min(scale * counts[t], 0.95)
        if sum(tiers.values()) > 0.95:
            factor = 0.95 / sum(tiers.values())
            tiers = {t: v * factor for t, v in tiers.items()}
    return Mix(in_state=_median(w_in, 0.0), tiers=tiers)


def _cells_at(offsets: Array) -> Callable[[Array], Array]:
    """(m, cells) rates at intercepts x for cells offset by `offsets` (cells, m)."""
    return lambda x: expit(x[None, :] + offsets).T


def _solve_level(
    rates: ProgramRates,
    g: str,
    location: Array,
    signal: Mapping[str, Array],
    mix: Mix,
    in_share: float | None = None,
) -> Array:
    """a_g per program: sum over cells of share * expit(a + d_cell) = the type rate, with
    `in_share` of the type's applicants in-state (the specialty's in-state share if None)."""
    in_share = mix.in_state if in_share is None else in_share
    target = rates.by_type[g]
    target = np.where(
        np.isfinite(target), target, np.nanmedian(target) if np.isfinite(target).any() else LOW
    )
    target = clamp(target)
    cells: list[tuple[float, Array]] = []
    for loc_share, loc_effect in ((in_share, location), (1 - in_share, 0 * location)):
        rest = 1.0 - sum(mix.tiers.values())
        cells.append((loc_share * rest, loc_effect + signal["none"]))
        for t, share in mix.tiers.items():
            cells.append((loc_share * share, loc_effect + signal[t]))
    weights = np.array([w for w, _ in cells])
    offsets = np.vstack([d for _, d in cells])  # (cells, m)
    a = logit(target) - weights @ offsets
    return _newton(a, target, lambda x: expit(x[None, :] + offsets).T, weights)


def anchor(population_logit: Array, variance: float, nodes: int = 40) -> Array:
    """Step 2: the intercept A with E[expit(A + S)] = expit(population_logit), S ~ N(0, v).

    Solved by Newton's method on Gauss-Hermite nodes, element-wise for any array shape.
    """
    z, w = normal_nodes(nodes)
    shift = np.sqrt(max(variance, 0.0)) * z
    target = expit(population_logit)
    # The probit approximation is the starting point: A = logit(r) * sqrt(1 + pi v / 8).
    a = population_logit * np.sqrt(1 + np.pi * variance / 8)
    return _newton(a, target, lambda x: expit(x[..., None] + shift), w)


def _newton(a: Array, target: Array, probs: Callable[[Array], Array], weights: Array) -> Array:
    """Solve mean(probs(a)) = target for a, element-wise, where probs rises with a.

    Newton's method on log(mean p) below one half and on log(1 - mean p) above it, where both
    are close to linear in a, with steps capped at 4: it converges from any start.
    """
    low = target < 0.5
    for _ in range(NEWTON_STEPS):
        p = probs(a)
        mean = p @ weights
        slope = (p * (1 - p)) @ weights
        with np.errstate(divide="ignore"):
            gap = np.where(low, np.log(mean) - np.log(target), np.log1p(-target) - np.log1p(-mean))
            rate = np.where(low, slope / mean, slope / (1 - mean))
        step = np.clip(gap / np.maximum(rate, 1e-300), -4.0, 4.0)
        step = np.where(np.isfinite(step), step, np.where(gap > 0, 4.0, -4.0))
        a = a - step
        if np.max(np.abs(step), initial=0.0) < 1e-10:
            break
    return np.asarray(a, dtype=np.float64)


def carry_over(
    rates: ProgramRates,
    cells: CellRates,
    counts_then: Mapping[str, int],
    counts_now: Mapping[str, int],
) -> CellRates:
    """The cells under another season's signal counts (METHODS §3.3, dilution).

    A tier's share of a program's applicants scales with its count; each program's log odds
    ratios are kept and its type levels re-solved so that its interview rate for each type,
    hence its number of interviews, stays the same. More signals then each weigh less: the
    no-signal rate falls while the signal effect holds."""
    tiers = {}
    for t, share in cells.mix.tiers.items():
        then, now = counts_then.get(t), counts_now.get(t)
        tiers[t] = share * now / then if then and now is not None else share
    if sum(tiers.values()) > 0.95:
        factor = 0.95 / sum(tiers.values())
        tiers = {t: v * factor for t, v in tiers.items()}
    mix = Mix(cells.mix.in_state, tiers)
    level = {
        g: _solve_level(rates, g, cells.location, cells.signal, mix, cells.in_share.get(g))
        for g in cells.level
    }
    return CellRates(level, cells.location, cells.signal, mix, cells.notes, cells.in_share)
