"""The national Match simulator, as a use case: the market of core.match.market built from the
dataset and the fitted engine, then replicated with independent random streams and counted by
core.match.national, in-process or on a Dask cluster (services.cluster). What goes into the
market and what is synthetic is said in its `notes` (docs/simulator.md)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from smartpick.core.match.applications import Behaviour
from smartpick.core.match.engine_check import check_engine
from smartpick.core.match.engine_terms import prepare
from smartpick.core.match.market import Cohort, Plans, SpecialtyMarket
from smartpick.core.match.national import (
    OTHER,
    TYPES,
    Market,
    RunResult,
    merge,
    program_positions,
    run_once,
    seeds,
    widen,
)
from smartpick.core.match.positions import spread_positions
from smartpick.core.model.cell_predictions import published_interviews
from smartpick.core.model.parameters import Pool
from smartpick.data.engine import BORROWED, FITTED_TYPES
from smartpick.errors import DataError, InputError
from smartpick.fitted import load_market_fit, market_fingerprint, require_current
from smartpick.services.market_cells import (
    cohort_count,
    cohort_figures,
    drawn_alike_note,
    proxies,
    proxy_note,
    signal_limits,
)
from smartpick.services.market_inputs import (
    APPLICANTS,
    FILLED,
    PGY1,
    RATE,
    RATES_OF,
    active_totals,
    backup_shares,
    filled_by_type,
    latest_year,
    missing_keys,
    nrmp_totals,
    nrmp_year,
    others_share,
    pgy1_market,
    registered_per_active,
    scaled_to_totals,
    soap_of,
    spread_by_filled,
    with_interview_slots,
    year_figures,
)

if TYPE_CHECKING:
    from smartpick.services import Services

DEFAULT_TAU = 1.0  # a program's own evaluation noise, before the simulated-moments fit
# Assumptions where the dataset has no figure (said in the market's notes):
BACKUPS = ("internal_medicine", "family_medicine", "pediatrics")  # and the PGY-1 years
SOAP_APPLICATIONS = 20.0  # mean SOAP applications per unmatched applicant (NRMP limit: 45)


def build_market(services: Services, simulator: Mapping[str, Any] | None = None) -> Market:
    """The market of the dataset with the fitted engine and the simulator's own parameters
    (`simulator`: market.json's record); without them tau is 1, no type is shifted, every
    type registers alike and applicants apply as the engine's typical list (said)."""
    engine, fit, dataset = services.engine, services.fit, services.dataset
    match_of = {s.key: s.match for s in services.specialties()}
    positions = {r["acgme_id"]: r for r in dataset.rows("program_positions")}
    programs_of: dict[str, list[str]] = {}
    for p in dataset.programs():
        if p.entry_level != "independent":
            programs_of.setdefault(p.specialty_key, []).append(p.acgme_id)
    notes: list[str] = []
    name_of = services.specialty_names
    # Specialties matched by another service (AUA, SF Match): outside the NRMP Main Match
    left_out = sorted(f"{name_of[s]} ({m})" for s, m in match_of.items() if m and m != "NRMP")
    # The specialties in the market: NRMP Main Match, program rates, a published cell
    keys = [
        s
        for s in engine.specialties
        if match_of.get(s) == "NRMP"
        and engine.inputs(s) is not None
        and any(
            cohort_figures(engine, s, g) is not None and (cohort_count(engine, s, g) or 0) >= 1
            for g in ("md", "do", "non-us-img")
        )
    ]
    # NRMP specialties without program rates: synthetic programs like another's (a proxy)
    quota = nrmp_totals(services)
    proxy = proxies(
        services,
        [s for s, m in match_of.items()
         if m == "NRMP" and s not in keys and programs_of.get(s) and quota.get(s)],
        keys,
    )  # fmt: skip
    # whose applicants are published for no type: the proxy's per position (assumed)
    assumed = {
        s for s in proxy if not any((cohort_count(engine, s, g) or 0) >= 1 for g in FITTED_TYPES)
    }
    # U.S.-citizen IMGs and the others (no published type): the national count, spread where
    # they fill positions
    totals, year = active_totals(services), latest_year(services, APPLICANTS)
    overall = registered_per_active(services)
    ratio = registration_of(simulator, overall)
    img_counts = {s: cohort_count(engine, s, "non-us-img") for s in [*keys, *proxy]}
    filled = filled_by_type(services)
    us_counts = spread_by_filled(filled, [*keys, *proxy], img_counts)
    us_total = sum(us_counts.values())
    # the others: where they fill positions too, the PGY-1 years included (a quarter of them)
    other_counts = spread_by_filled(filled, [*keys, *proxy, PGY1], img_counts, OTHER)
    other_total = sum(other_counts.values())
    advanced_ids = {p.acgme_id for p in dataset.programs() if p.entry_level == "advanced"}
    backup_of = backup_shares(services)
    estimated = synthetic = 0
    borrowed_limits: list[str] = []
    overshoot: list[str] = []
    markets = []
    for s in [*keys, *proxy]:
        src = proxy.get(s, s)  # whose programs' cells and fitted parameters
        cell = src if s in assumed else s  # whose published figures and applicants
        scale = quota[s] / quota[src] if s in assumed else 1.0
        inputs = engine.inputs(src)
        assert inputs is not None
        cells = inputs.cells
        limits = signal_limits(services, src, cells.mix.tiers)
        if limits != engine.signals_then(src):
            borrowed_limits.append(name_of[s])
        keep = src == s  # its own programs' cells, else only the proxy's median
        with_rates = list(inputs.rates.ids) if keep else []
        extra = [a for a in programs_of.get(s, []) if a not in set(with_rates)]
        ids = tuple(with_rates + extra)
        fill = len(extra)
        seats = []
        known = []
        for a in ids:
            row = positions.get(a)
            value = int(row["positions"]) if row and row["positions"] else 0
            known.append(not (row is None or row["basis"] == "estimate" or value <= 0))
            seats.append(value)
        if s in quota and sum(v for v, k in zip(seats, known, strict=True) if k) > quota[s]:
            # counts from another source than the NRMP's own tracks overshoot its total
            # (FREIDA's count every first-year track, the preliminary ones too, which the
            # PGY-1 years hold): they only weigh how the total is spread
            nrmp = [k and "NRMP" in positions[a]["method"] for a, k in zip(ids, known, strict=True)]
            overshoot.append(f"{name_of[s]}'s {known.count(True) - nrmp.count(True)} programs")
            known = nrmp
        guessed = known.count(False)
        seat_array = program_positions(seats)
        if s in quota:
            seat_array = spread_positions(seat_array.tolist(), known, quota[s])
        cohorts = []
        for g in TYPES:
            like = RATES_OF.get(g, g)
            fitted = BORROWED.get(like, like)
            f = cohort_figures(engine, cell, like)
            if f is None:
                continue
            if g == "us-img":  # where they filled positions (published), else like IMGs
                count = totals.get(g, 0.0) * us_counts[cell] / us_total if us_total else 0.0
            elif like == "us-img":  # the others: where they fill positions
                share = other_counts[cell]
                count = totals.get(g, 0.0) * share / other_total if other_total else 0.0
            else:
                count = cohort_count(engine, cell, g) or 0.0
            count *= scale
            if count < 1:
                continue
            cohorts.append(
                Cohort(
                    applicant_type=g,
                    count=round(count),
                    params=fit.for_cell(src, fitted),
                    pool=Pool.from_figures(f),
                    match_share=f.match_share,
                    matched=(f.matched_centre, f.matched_sd),
                    unmatched=(f.unmatched_centre, f.matched_sd),
                    applications=engine.applications(src, like, fit),
                    level=widen(cells.level[like], fill, keep),
                    tau=float((simulator or {}).get("tau", DEFAULT_TAU)),
                    shift=float((simulator or {}).get("shift", {}).get(g, 0.0)),
                    in_state_share=cells.in_state_share(like),
                    backup_share=backup_of.get(s, backup_of["all"]),
                )
            )
        if not cohorts:
            continue  # every cell rounded to nobody
        synthetic += fill if keep else 0  # a proxy's programs: said in its own note
        estimated += guessed
        markets.append(
            prepare(
                SpecialtyMarket(
                    specialty=s,
                    program_ids=ids,
                    positions=seat_array,
                    location=widen(cells.location, fill, keep),
                    signal={
                        t: widen(v, fill, keep) for t, v in cells.signal.items() if t != "none"
                    },
                    in_state_share=cells.mix.in_state,
                    signal_share=dict(cells.mix.tiers),
                    signal_limit=limits,
                    cohorts=tuple(cohorts),
                    advanced=[a in advanced_ids for a in ids],
                )
            )
        )
    share = other_counts.get(PGY1, 0.0) / other_total if other_total else 0.0
    years_filled = filled.get(PGY1)
    pgy1_others = others_share(years_filled) if years_filled else 0.0
    pgy1, pgy1_basis = pgy1_market(services, markets, {OTHER: totals.get(OTHER, 0.0) * share})
    markets.append(pgy1)
    active = scaled_to_totals(markets, totals)
    markets = scaled_to_totals(markets, {g: v * ratio[g] for g, v in totals.items()})
    markets, slots_note = with_interview_slots(services, markets, active, proxy)
    where = {mk.specialty: k for k, mk in enumerate(markets)}
    plans = Plans(
        backup={where[b]: float(markets[where[b]].positions.sum()) for b in (*BACKUPS, PGY1)
                if b in where},
        pgy1=where[PGY1],
    )  # fmt: skip
    notes.append(
        f"{synthetic} programs without published interview rates take their specialty's "
        "median cells (synthetic)"
    )
    if proxy:
        held = {mk.specialty: mk.size for mk in markets}
        notes.append(proxy_note(services, proxy, assumed, quota, held))
    notes.append(
        f"{estimated} programs' positions are SmartPick's estimates, not NRMP quotas; each "
        "specialty's positions are spread to its NRMP 2026 total (all its tracks but the "
        "preliminary ones), estimated programs sharing what the known quotas leave"
        + (
            "; where the known counts exceed that total, those not from the NRMP's own tracks "
            "are estimates too (FREIDA's count the preliminary tracks, which the PGY-1 years "
            f"hold): {', '.join(overshoot)}"
            if overshoot
            else ""
        )
    )
    by_type = ", ".join(f"{g} {ratio[g]:.2f}" for g in TYPES)
    notes.append(
        "registered applicants of each type: the NRMP's national count of its active PGY-1 "
        "applicants (with a rank order list) times the simulator's own registered per active "
        f"applicant of the type ({by_type}), those with no interview not ranking: the fit "
        "settles the ratios so that each type's active count is the NRMP's"
        + (
            ""
            if "registered_per_active" in (simulator or {})
            else f" (not fitted: the NRMP's ratio for all applicants, {overall:.3f}, for every "
            "type)"
        )
        + f"; {sum(c.count for mk in markets for c in mk.cohorts):,} registered in all (NRMP "
        f"2026: {overall:.3f} registered per active applicant, every type together); "
        "applicants whose preferred "
        "specialty has no published count are spread like the others; U.S.-citizen IMGs, "
        "without counts by specialty, are spread by the positions they filled in each "
        "specialty where the NRMP publishes their share of its filled positions, elsewhere "
        "like non-U.S. IMGs (synthetic); "
        + (
            f"the {totals[OTHER]:,.0f} active applicants of no published type (the NRMP's "
            f"{year} active applicants less the four types': graduates of earlier years and "
            "others) are drawn like U.S.-citizen IMGs and weighed like IMGs (assumed), and "
            "spread by the positions the four published types leave in each specialty where "
            "the NRMP says who filled them, elsewhere like non-U.S. IMGs: the PGY-1 years "
            f"too, where they fill {pgy1_others:.0%} of the positions, the only applicants "
            "who prefer them (assumed; the others rank them beside a specialty)"
            if totals[OTHER] >= 1
            else f"no active applicants of another type (the dataset's {year} active "
            "applicants are not more than the four types')"
        )
    )
    notes.append(
        f"PGY-1 years: {pgy1.size} transitional and preliminary tracks with their NRMP 2026 "
        f"quotas ({int(pgy1.positions.sum()):,} positions); each interviews like the same "
        "institution's Internal Medicine program ("
        + ", ".join(f"{pgy1_basis.count(b)} by {b}" for b in ("institution", "state", "nation"))
        + "; the prior of core.plan.pgy1); applicants with an advanced program among their "
        "interviews rank a supplemental list of them"
    )
    notes.append(
        "parallel plans: the share of applicants who also rank a second specialty is the "
        "published non-U.S. IMG mean of distinct specialties ranked, less one, for every "
        "type (assumed for U.S. MD, DO and U.S. IMG applicants, who have no such figure); the "
        "second specialty is Internal Medicine, Family Medicine, Pediatrics or a PGY-1 year, "
        "in proportion to their positions (assumed); without couples; applicants rank every "
        "program that interviewed them, the preferred specialty's first"
    )
    notes.append(slots_note)
    notes += drawn_alike_note(services, markets)
    consideration, note = soap_of(simulator, SOAP_APPLICATIONS)
    notes.append(note)
    if borrowed_limits:
        notes.append(
            "signal limits of the nearest season where the rates' own season lists none: "
            + ", ".join(borrowed_limits)
        )
    if simulator is None:
        notes.append(
            "the simulator's own parameters are not fitted for this dataset and model: tau 1, "
            "no type shifted, the engine's typical lists (run `smartpick calibrate --market`)"
        )
    elif "behaviour" not in simulator:
        notes.append(
            "the simulator's record has no behavioural parameters (fitted before they were): "
            "the engine's typical lists (run `smartpick calibrate --market`)"
        )
    elif not isinstance(simulator["behaviour"].get("temperature"), Mapping):
        notes.append(
            "the simulator's record has one temperature for every applicant type (fitted "
            "before it was fitted per group): used for every type (run `smartpick calibrate "
            "--market`)"
        )
    missing = sorted(
        name_of[s]
        for s, m in match_of.items()
        if m == "NRMP" and s not in {mk.specialty for mk in markets}
    )
    if missing:
        notes.append(
            "NRMP specialties without program interview rates or published applicant counts, "
            f"not in the market: {', '.join(missing)} "
            f"({sum(quota.get(k, 0) for k in missing_keys(match_of, markets)):,} positions)"
        )
    return Market(
        tuple(markets), tuple(notes), tuple(left_out), plans, SOAP_APPLICATIONS,
        behaviour_of(simulator), consideration,
    )  # fmt: skip


def behaviour_of(simulator: Mapping[str, Any] | None) -> Behaviour:
    """The fitted behaviour of a simulator record (market.json); the engine's typical lists
    where the record has none. A record of before the temperature was fitted per type (one
    number) gives it to every type (`build_market` says so); one of before programs' reach
    was fitted, reach 0 (programs never invite below their bar); one of before the
    applicants' dispersion or impression was fitted, 0 (every applicant of a type alike)."""
    fitted = (simulator or {}).get("behaviour")
    if fitted is None:
        return Behaviour()
    try:
        heat = fitted["temperature"]
        return Behaviour(
            applications={g: float(v) for g, v in fitted["applications"].items()},
            temperature={g: float(v) for g, v in heat.items()}
            if isinstance(heat, Mapping)
            else {g: float(heat) for g in TYPES},
            reach=float(fitted.get("reach", 0.0)),
            dispersion=float(fitted.get("dispersion", 0.0)),
            impression=float(fitted.get("impression", 0.0)),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise DataError(
            f"the simulator's record has an unreadable behaviour ({error!r})",
            hint="Refit with `smartpick calibrate --market`.",
        ) from error


def registration_of(simulator: Mapping[str, Any] | None, overall: float) -> dict[str, float]:
    """Registered per active applicant by type: the fitted record's (the simulator's own
    share with no interview), else the NRMP's ratio for all applicants for every type."""
    fitted = (simulator or {}).get("registered_per_active") or {}
    try:
        return {g: float(fitted.get(g, overall)) for g in TYPES}
    except (TypeError, ValueError, AttributeError) as error:
        raise DataError(
            f"the simulator's record has unreadable registration ratios ({error!r})",
            hint="Refit with `smartpick calibrate --market`.",
        ) from error


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


def simulate_report(
    services: Services,
    runs: int = 10,
    seed: int = 1,
    year: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """`smartpick simulate`: the simulated Match beside the NRMP figures of `year`."""
    year = nrmp_year(services, year)
    record = current_market_fit(services)
    market = build_market(services, record)
    results = run(market, runs, seed, scheduler, progress)
    summary = merge(results)
    nrmp = {
        "match_rate_by_type": year_figures(services, year, RATE),
        "fill_rate": year_figures(services, year, FILLED).get("all"),
        "interviews": published_interviews(services.engine.moments()),
    }
    return {
        "season": services.season,
        "year": year,
        "seed": seed,
        **summary,
        "nrmp": nrmp,
        "market": {
            "specialties": len(market.specialties),
            "programs": sum(m.size for m in market.specialties),
            "positions": market.positions,
            "applicants": market.applicants,
        },
        "left_out": list(market.left_out),
        "notes": [
            *market.notes,
            "match_rate_by_type counts a match anywhere (the preferred specialty, a second "
            "one or a PGY-1 year) among applicants with a rank list, as the NRMP's rates do; "
            "preferred_specialty_rate_by_type counts the preferred specialty only",
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
    binned by the engine's chance (core.match.engine_check). Sampled profiles are every
    applicant of each run who prefers a specialty the engine models from its own programs: not
    the PGY-1 years, nor a specialty drawn like another's (a proxy)."""
    record = current_market_fit(services)
    market = build_market(services, record)
    own = {
        m.specialty for m in market.specialties if services.engine.inputs(m.specialty) is not None
    }
    check = check_engine(market, seeds(seed, runs), bins, own)
    return {
        "runs": runs,
        "seed": seed,
        "applicants": check.applicants,
        "fitted": record is not None,
        "brier": check.brier,
        "brier_base": check.brier_base,
        "engine_mean": check.engine_mean,
        "simulated_mean": check.simulated_mean,
        "bins": [dataclasses.asdict(b) for b in check.bins],
        "cells": [dataclasses.asdict(c) for c in check.cells],
    }
