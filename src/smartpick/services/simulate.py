"""The national Match simulator: the market of core.match.market built from the dataset and the
fitted engine, matched by deferred acceptance (core.match.acceptance), replicated with independent
random streams (numpy SeedSequence.spawn), in-process or on a Dask cluster.

What goes into the market and what is synthetic is said in `notes`: specialties outside the
NRMP Main Match (urology: AUA; ophthalmology: SF Match) are left out; programs without
published interview rates take their specialty's median cells; positions SmartPick has to
estimate are counted; U.S.-citizen IMGs, who have no Charting Outcomes counts by specialty,
are spread over specialties like non-U.S. IMGs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from smartpick.core.match.acceptance import deferred_acceptance_lists
from smartpick.core.match.market import Cohort, Draw, SpecialtyMarket, draw_market, prepare
from smartpick.core.model.parameters import Pool
from smartpick.core.seasons import signal_rule
from smartpick.data.engine import BORROWED
from smartpick.errors import InputError
from smartpick.fitted import load_market_fit, market_fingerprint, require_current

if TYPE_CHECKING:
    from smartpick.services import Services

TYPES = ("md", "do", "us-img", "non-us-img")
DEFAULT_TAU = 1.0  # a program's own evaluation noise, before the simulated-moments fit
TOTALS = "main_residency_match:pgy1_applicants"
RATE = "main_residency_match:pgy1_match_rate"
FILLED = "main_residency_match:positions_filled_rate"


@dataclass(frozen=True)
class Market:
    """The national market: one SpecialtyMarket per specialty, and what was synthesized."""

    specialties: tuple[SpecialtyMarket, ...]
    notes: tuple[str, ...]
    left_out: tuple[str, ...]

    @property
    def positions(self) -> int:
        return int(sum(int(m.positions.sum()) for m in self.specialties))

    @property
    def applicants(self) -> int:
        return int(sum(c.count for m in self.specialties for c in m.cohorts))


@dataclass
class RunResult:
    """What one replication produced, in counts (summed over runs by `merge`)."""

    seconds: float
    applicants: dict[tuple[str, str], int]  # (specialty, type) -> applicants
    matched: dict[tuple[str, str], int]
    positions: int
    filled: int
    unfilled_programs: int = 0
    notes: list[str] = field(default_factory=list)


def build_market(services: Services, simulator: Mapping[str, Any] | None = None) -> Market:
    """The market of the dataset with the fitted engine and the simulator's own parameters:
    `simulator` as market.json holds them ({"tau": t, "shift": {type: s}}); without them tau
    is 1 and no type is shifted."""
    engine, fit, dataset = services.engine, services.fit, services.dataset
    match_of = {s.key: s.match for s in services.specialties()}
    positions = {r["acgme_id"]: r for r in dataset.rows("program_positions")}
    programs_of: dict[str, list[str]] = {}
    for p in dataset.programs():
        if p.entry_level != "independent":
            programs_of.setdefault(p.specialty_key, []).append(p.acgme_id)
    notes: list[str] = []
    name_of = {s.key: s.name for s in services.specialties()}
    # Specialties matched by another service (AUA, SF Match): outside the NRMP Main Match
    left_out = sorted(f"{name_of[s]} ({m})" for s, m in match_of.items() if m and m != "NRMP")
    # The specialties in the market: NRMP Main Match, program rates, a published cell
    keys = [
        s
        for s in engine.specialties
        if match_of.get(s) == "NRMP"
        and engine.inputs(s) is not None
        and any(
            _figures(engine, s, g) is not None and (_count(engine, s, g) or 0) >= 1
            for g in ("md", "do", "non-us-img")
        )
    ]
    # U.S.-citizen IMGs: the national count, spread like non-U.S. IMGs over the market
    totals = _year_figures(services, _latest_year(services, TOTALS), TOTALS)
    img_counts = {s: _count(engine, s, "non-us-img") for s in keys}
    img_total = sum(c for c in img_counts.values() if c)
    estimated = synthetic = 0
    borrowed_limits: list[str] = []
    markets = []
    for s in keys:
        inputs = engine.inputs(s)
        assert inputs is not None
        cells = inputs.cells
        limits = _signal_limits(services, s, cells.mix.tiers)
        if limits != engine.signals_then(s):
            borrowed_limits.append(name_of[s])
        with_rates = list(inputs.rates.ids)
        extra = [a for a in programs_of.get(s, []) if a not in set(with_rates)]
        ids = tuple(with_rates + extra)
        fill = len(extra)

        def widen(values: np.ndarray, fill: int = fill) -> np.ndarray:
            return np.concatenate([values, np.full(fill, float(np.median(values)))])

        seats = []
        guessed = 0
        for a in ids:
            row = positions.get(a)
            value = int(row["positions"]) if row and row["positions"] else 0
            guessed += bool(row is None or row["basis"] == "estimate")
            seats.append(value)
        seat_array = np.array(seats, dtype=np.int32)
        if (seat_array <= 0).any():
            seat_array[seat_array <= 0] = max(int(np.median(seat_array[seat_array > 0])), 1)
        cohorts = []
        for g in TYPES:
            fitted = BORROWED.get(g, g)
            f = _figures(engine, s, g)
            if f is None:
                continue
            if g == "us-img":
                share = img_counts.get(s) or 0.0
                count = totals.get("us-img", 0.0) * share / img_total if img_total else 0.0
            else:
                count = _count(engine, s, g) or 0.0
            if count < 1:
                continue
            cohorts.append(
                Cohort(
                    applicant_type=g,
                    count=round(count),
                    params=fit.for_cell(s, fitted),
                    pool=Pool.from_figures(f),
                    match_share=f.match_share,
                    matched=(f.matched_centre, f.matched_sd),
                    unmatched=(f.unmatched_centre, f.matched_sd),
                    applications=engine.applications(s, g, fit),
                    level=widen(cells.level[g]),
                    tau=float((simulator or {}).get("tau", DEFAULT_TAU)),
                    shift=float((simulator or {}).get("shift", {}).get(g, 0.0)),
                    in_state_share=cells.in_state_share(g),
                )
            )
        if not cohorts:
            continue  # every cell rounded to nobody
        synthetic += fill
        estimated += guessed
        markets.append(
            prepare(
                SpecialtyMarket(
                    specialty=s,
                    program_ids=ids,
                    positions=seat_array,
                    location=widen(cells.location),
                    signal={t: widen(v) for t, v in cells.signal.items() if t != "none"},
                    in_state_share=cells.mix.in_state,
                    signal_share=dict(cells.mix.tiers),
                    signal_limit=limits,
                    cohorts=tuple(cohorts),
                )
            )
        )
    notes.append(
        f"{synthetic} programs without published interview rates take their specialty's "
        "median cells (synthetic)"
    )
    notes.append(f"{estimated} programs' positions are SmartPick's estimates, not NRMP quotas")
    notes.append(
        "U.S.-citizen IMGs have no applicant counts by specialty: the NRMP national count is "
        "spread over specialties like non-U.S. IMGs' (synthetic)"
    )
    notes.append(
        "applicants apply to their preferred specialty only (no parallel plans), without "
        "couples, and rank every program that interviewed them"
    )
    if borrowed_limits:
        notes.append(
            "signal limits of the nearest season where the rates' own season lists none: "
            + ", ".join(borrowed_limits)
        )
    if simulator is None:
        notes.append(
            "the simulator's own parameters are not fitted for this dataset and model: tau 1, "
            "no type shifted (run `smartpick calibrate --market`)"
        )
    missing = sorted(
        name_of[s]
        for s, m in match_of.items()
        if m == "NRMP" and s not in {mk.specialty for mk in markets}
    )
    if missing:
        notes.append(
            "NRMP specialties without program interview rates or published applicant counts, "
            f"not in the market: {', '.join(missing)}"
        )
    return Market(tuple(markets), tuple(notes), tuple(left_out))


def _figures(engine: Any, specialty: str, g: str) -> Any:
    """The published figures a cohort of type g is drawn from (borrowed for U.S.-citizen
    IMGs), or None when the cell has none with both matched and unmatched scores."""
    f, _ = engine.figures_for(specialty, BORROWED.get(g, g))
    return None if f is None or f.unmatched_centre is None else f


def _signal_limits(
    services: Services, specialty: str, tiers: Mapping[str, float]
) -> dict[str, int]:
    """How many signals of each tier an applicant may send in the market: the rates'
    season's rule; where it lacks a tier the rates show signals of, the nearest season's."""
    limits = dict(services.engine.signals_then(specialty))
    wanted = [t for t, share in tiers.items() if share > 0 and t not in limits]
    if not wanted:
        return limits
    rows = services.dataset.rows("signals")
    then = services.engine.rates_season
    years = sorted({int(r["season"]) for r in rows if r["season"]}, key=lambda y: abs(y - then))
    for year in years:
        rule = signal_rule(rows, specialty, year)
        if rule is None:
            continue
        counts = {"gold": rule.gold, "silver": rule.silver, "signal": rule.single_tier}
        for t in list(wanted):
            if counts.get(t):
                limits[t] = int(counts[t] or 0)
                wanted.remove(t)
        if not wanted:
            break
    return limits


def _count(engine: Any, specialty: str, g: str) -> float | None:
    f, _ = engine.figures_for(specialty, g)
    if f is None or any("pooled" in n for n in f.notes):
        return None
    return float(f.share_n)


def _latest_year(services: Services, metric: str) -> int:
    years = [
        int(r["year"])
        for r in services.dataset.rows("specialty_figures")
        if r["metric"] == metric and r["year"]
    ]
    return max(years)


def _year_figures(services: Services, year: int, metric: str) -> dict[str, float]:
    """{applicant type: value} of a national NRMP figure in one year."""
    return {
        r["applicant_type"]: float(r["value"])
        for r in services.dataset.rows("specialty_figures")
        if r["specialty_key"] == "all" and r["metric"] == metric and r["year"] == str(year)
    }


def current_market_fit(services: Services) -> dict[str, Any] | None:
    """The simulator's fitted parameters when they were fitted on this dataset; None for
    another dataset (build_market then says so). A fit made with other simulator code or on
    another engine fit is refused, with the command that refits it."""
    record = load_market_fit(services.config.dataset_dir)
    if record is None or record.get("dataset_version") != services.dataset.version:
        return None
    refit = "smartpick calibrate --market"
    what = "The simulator's parameters"
    require_current(record, "code_hash", market_fingerprint(), what, refit)
    require_current(record, "engine_code_hash", services.parameters["code_hash"], what, refit)
    return record


def run_once(market: Market, seed: np.random.SeedSequence) -> RunResult:
    """One replication: draw the market, run the Match, count."""
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    draw = draw_market(market.specialties, rng)
    matched = deferred_acceptance_lists(draw.applicant_ranks, draw.rank_of, draw.capacities)
    seconds = time.perf_counter() - start
    return summarize(market, draw, matched, seconds)


def summarize(market: Market, draw: Draw, matched: np.ndarray, seconds: float) -> RunResult:
    names = [m.specialty for m in market.specialties]
    applicants: dict[tuple[str, str], int] = {}
    won: dict[tuple[str, str], int] = {}
    types: Any = (
        np.array(draw.applicant_type, dtype=object)[draw.cohort] if draw.cohort.size else []
    )
    for k, name in enumerate(names):
        here = draw.specialty == k
        for g in TYPES:
            mask = here & (types == g)
            n = int(mask.sum())
            if n:
                applicants[(name, g)] = n
                won[(name, g)] = int((matched[mask] >= 0).sum())
    filled_by_program = np.bincount(matched[matched >= 0], minlength=draw.capacities.size)
    return RunResult(
        seconds=seconds,
        applicants=applicants,
        matched=won,
        positions=int(draw.capacities.sum()),
        filled=int(filled_by_program.sum()),
        unfilled_programs=int((filled_by_program < draw.capacities).sum()),
    )


def seeds(seed: int, runs: int) -> list[np.random.SeedSequence]:
    """One independent stream per replication: the same seed gives the same runs."""
    return list(np.random.SeedSequence(seed).spawn(runs))


def run(
    market: Market,
    runs: int,
    seed: int,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[RunResult]:
    """R replications, in-process or on a Dask cluster; results in replication order."""
    if runs < 1:
        raise InputError("--runs must be at least 1", field="runs")
    streams = seeds(seed, runs)
    if scheduler is None:
        out = []
        for s in streams:
            out.append(run_once(market, s))
            if progress is not None:
                progress(1)
        return out
    from smartpick.services.cluster import run_on_cluster

    return run_on_cluster(run_once, market, streams, scheduler, progress)


def merge(results: Iterable[RunResult]) -> dict[str, Any]:
    """Totals over replications: match rates by type and by specialty and type, fill."""
    items = list(results)
    applicants: dict[tuple[str, str], int] = {}
    matched: dict[tuple[str, str], int] = {}
    for r in items:
        for k, v in r.applicants.items():
            applicants[k] = applicants.get(k, 0) + v
            matched[k] = matched.get(k, 0) + r.matched.get(k, 0)
    by_type: dict[str, float] = {}
    for g in TYPES:
        n = sum(v for (_, t), v in applicants.items() if t == g)
        if n:
            by_type[g] = sum(v for (_, t), v in matched.items() if t == g) / n
    positions = sum(r.positions for r in items)
    filled = sum(r.filled for r in items)
    runs = len(items)
    return {
        "runs": runs,
        "match_rate_by_type": by_type,
        "match_rate_by_cell": {
            f"{s}/{g}": matched[(s, g)] / n for (s, g), n in sorted(applicants.items())
        },
        "fill_rate": filled / positions if positions else math.nan,
        "applicants": sum(applicants.values()) / runs if runs else 0,
        "unmatched_applicants": (sum(applicants.values()) - sum(matched.values())) / runs
        if runs
        else 0,
        "positions": positions / runs if runs else 0,
        "unfilled_positions": (positions - filled) / runs if runs else 0,
        "seconds_per_run": sum(r.seconds for r in items) / runs if runs else math.nan,
    }


def simulate_report(
    services: Services,
    runs: int = 10,
    seed: int = 1,
    year: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """`smartpick simulate`: the simulated Match beside the NRMP figures of `year`."""
    available = sorted(
        {int(r["year"]) for r in services.dataset.rows("specialty_figures")
         if r["metric"] == RATE and r["year"]}
    )  # fmt: skip
    year = available[-1] if year is None else year
    if year not in available:
        raise InputError(
            f"the dataset has no NRMP Match figures for {year}",
            field="year",
            hint="Years with figures: " + ", ".join(map(str, available)),
        )
    record = current_market_fit(services)
    market = build_market(services, record)
    results = run(market, runs, seed, scheduler, progress)
    summary = merge(results)
    nrmp_rate = _year_figures(services, year, RATE)
    nrmp_fill = _year_figures(services, year, FILLED).get("all")
    return {
        "season": services.season,
        "year": year,
        "seed": seed,
        **summary,
        "nrmp": {"match_rate_by_type": nrmp_rate, "fill_rate": nrmp_fill},
        "market": {
            "specialties": len(market.specialties),
            "programs": sum(m.size for m in market.specialties),
            "positions": market.positions,
            "applicants": market.applicants,
        },
        "left_out": list(market.left_out),
        "notes": [
            *market.notes,
            "NRMP's rates are for matching to any PGY-1 position; the simulated rates are "
            "for matching in the applicant's preferred specialty, which is lower",
            *(
                [
                    f"{', '.join(market.left_out)}: matched outside the NRMP Main Match, left "
                    "out of the market and the comparisons"
                ]
                if market.left_out
                else []
            ),
        ],
    }


def engine_check(
    services: Services, runs: int = 3, seed: int = 20261128, bins: int = 10
) -> dict[str, Any]:
    """The engine's closed-form chance for each simulated applicant's own list (knowing only
    the score) against whether the simulated Match matched them: overall, by cell, and
    binned by the engine's chance. Sampled profiles are every applicant of each run."""
    record = current_market_fit(services)
    market = build_market(services, record)
    names = [m.specialty for m in market.specialties]
    predicted, outcome, cell = [], [], []
    for s in seeds(seed, runs):
        draw = draw_market(market.specialties, np.random.default_rng(s), engine=True)
        matched = deferred_acceptance_lists(draw.applicant_ranks, draw.rank_of, draw.capacities)
        assert draw.engine_p is not None
        predicted.append(draw.engine_p)
        outcome.append((matched >= 0).astype(np.float64))
        types = np.array(draw.applicant_type)[draw.cohort]
        cell += [f"{names[k]}/{g}" for k, g in zip(draw.specialty, types, strict=True)]
    p, y = np.concatenate(predicted), np.concatenate(outcome)
    labels = np.array(cell)
    by_cell = []
    for key in sorted(set(cell)):
        mask = labels == key
        spec, g = key.split("/")
        by_cell.append(
            {
                "specialty": spec,
                "applicant_type": g,
                "applicants": int(mask.sum()) / runs,
                "engine": float(p[mask].mean()),
                "simulated": float(y[mask].mean()),
            }
        )
    edges = np.quantile(p, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    table = [
        {
            "engine": float(p[which == b].mean()),
            "simulated": float(y[which == b].mean()),
            "applicants": int((which == b).sum()),
        }
        for b in range(bins)
        if (which == b).any()
    ]
    base = float(y.mean())
    return {
        "runs": runs,
        "seed": seed,
        "applicants": int(p.size),
        "fitted": record is not None,
        "brier": float(np.mean((p - y) ** 2)),
        "brier_base": float(np.mean((base - y) ** 2)),
        "engine_mean": float(p.mean()),
        "simulated_mean": base,
        "bins": table,
        "cells": by_cell,
    }
