"""Fitting the simulator's own parameters by simulated moments (core.match.smm) on the dataset's
published cells and national figures, and the record of the fit (`fitted/market.json`, beside
the engine's parameters). `smartpick calibrate --market` runs it."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smartpick.core.match import smm
from smartpick.core.match.moments import (
    NationalMoment,
    NationalTargets,
    Outcome,
    active_by_type,
    national_moments,
)
from smartpick.core.match.national import PUBLISHED_TYPES, TYPES, Market, seeds
from smartpick.core.model.targets import RANK_TOLERANCE
from smartpick.fitted import market_fingerprint, market_path
from smartpick.services.market_inputs import (
    ACTIVE,
    APPLICANTS,
    FILLED,
    OFFERED,
    RATE,
    REGISTERED,
    fill_by_specialty,
    filled_by_type,
    national_figures,
    registered_per_active,
    scaled_to_totals,
    soap_target,
)

if TYPE_CHECKING:
    import numpy as np

    from smartpick.services import Services

FIT_RUNS = 2  # markets drawn behind each evaluation (drawn again at every evaluation)
FIT_SEED = 20261126
# Markets the fit never sees (drawn from the seed after the fit's): the distance on them (on
# the settled market) chooses what is kept, since a fit on 2 markets also fits their noise
# (one fit's 0.036 on its own markets measured 0.038-0.045 on three other pairs); on 10 of them,
# runs of one theta differ by about 0.001, as much as the candidates did: 30
HELD_OUT_RUNS = 30  # about 30 s for each round's end and for the start
REGISTRATION_ROUNDS = 2  # before the fit, from its start; one more after each round
FIT_ROUNDS = 2  # of Nelder-Mead, each on the market settled under the last round's theta
FIT_EVALUATIONS = 150  # per round: 13 parameters; about 11 minutes for both rounds
# The ERAS means of applications per applicant are of everyone who applied through ERAS
# (some never rank, some apply outside the market's specialties): held within a tenth
APPLICATIONS_TOLERANCE = 0.1


def published_cells(services: Services, specialties: Sequence[str]) -> list[smm.CellTarget]:
    """The cells the fit reproduces: each specialty and type with its own published match
    share and matched Step 2 CK (not pooled, not borrowed)."""
    published = {}
    for s in specialties:
        for g in ("md", "do", "non-us-img"):
            f, _ = services.engine.figures_for(s, g)
            if f is None or f.unmatched_centre is None or any("pooled" in n for n in f.notes):
                continue
            published[(s, g)] = (
                f.match_share,
                f.matched_centre,
                f.matched_sd,
                f.unmatched_centre,
            )
    return smm.targets_for(specialties, published)


def national_targets(services: Services, specialties: Sequence[str]) -> NationalTargets:
    """The published national moments (core.match.moments), from the dataset's
    specialty_figures: the NRMP's match rate and count of PGY-1 applicants by type, its fill
    rate over positions offered, registered and active applicants (every type together: the
    share of registered applicants with a rank order list), the U.S. MD share matched by
    contiguous ranks with its tolerance, the non-U.S. IMG contiguous-rank medians (the
    engine's moments), each specialty's fill rate (`fill_by_specialty`) and who filled it
    (`filled_by_type`), and the ERAS mean of applications per applicant by type (IMGs pooled,
    as ERAS publishes it), within a tenth."""
    figures = national_figures(services)
    rate, count = figures.get(RATE, {}), figures.get(APPLICANTS, {})
    filled, offered = figures.get(FILLED, {}).get("all"), figures.get(OFFERED, {}).get("all")
    registered = figures.get(REGISTERED, {}).get("all")
    active = figures.get(ACTIVE, {}).get("all")
    published = services.engine.moments()
    curve = next((c for c in published.curves if c.applicant_type == "md"), None)
    index = {s: k for k, s in enumerate(specialties)}
    return NationalTargets(
        match_rate={g: (rate[g], count[g]) for g in TYPES if g in rate and g in count},
        fill_rate=(filled, offered) if filled and offered else None,
        active_share=(active / registered, registered) if active and registered else None,
        curve_ks=curve.ks if curve else (),
        curve=curve.shares if curve else (),
        curve_tolerance=curve.tolerance if curve else 0.0,
        ranks={
            index[r.specialty]: (r.matched, r.not_matched)
            for r in published.ranks
            if r.applicant_type == "non-us-img" and r.specialty in index
        },
        rank_tolerance=RANK_TOLERANCE,
        fill={index[s]: v for s, v in fill_by_specialty(services).items() if s in index},
        filled_by={index[s]: v for s, v in filled_by_type(services).items() if s in index},
        applications={
            g: services.engine.published_applications("all", g).value for g in PUBLISHED_TYPES
        },
        applications_tolerance=APPLICATIONS_TOLERANCE,
    )


def registered_by_type(market: Market) -> dict[str, int]:
    out: dict[str, int] = {}
    for mk in market.specialties:
        for c in mk.cohorts:
            out[c.applicant_type] = out.get(c.applicant_type, 0) + c.count
    return out


def settle_registration(
    market: Market,
    streams: Sequence[np.random.SeedSequence],
    theta: Sequence[float],
    active: Mapping[str, float],
    rounds: int = REGISTRATION_ROUNDS,
) -> tuple[Market, dict[str, float]]:
    """The market registering, for each type, as many applicants as its active count
    (`active`: the NRMP's, for the whole market) needs under theta: each round draws the
    markets, takes the type's simulated registered per active applicant (some get no
    interview and do not rank) and scales the type's cohorts to that ratio times its active
    count; (market, ratios)."""
    ratio: dict[str, float] = {}
    for _ in range(rounds):
        ranked = active_by_type(smm.outcomes(market, streams, theta))
        registered = registered_by_type(market)
        for g in active:
            ratio[g] = registered.get(g, 0) / ranked[g] if ranked.get(g) else 1.0
        specialties = scaled_to_totals(list(market.specialties), {
            g: ratio[g] * n for g, n in active.items()
        })  # fmt: skip
        market = dataclasses.replace(market, specialties=tuple(specialties))
    return market, ratio


@dataclasses.dataclass(frozen=True)
class _Round:
    """One round of the fit: its start, its fit, and the market settled under its theta."""

    start: tuple[float, ...]
    fit: smm.SmmFit
    market: Market
    ratio: dict[str, float]
    outcomes: list[Outcome]
    moments: list[NationalMoment]
    settled: float  # the distance on the settled market
    held_out: float  # on the settled market, over markets the fit never saw


def fit_market(
    services: Services,
    market: Market,
    runs: int = FIT_RUNS,
    seed: int = FIT_SEED,
    max_evaluations: int = FIT_EVALUATIONS,
    progress: Callable[[str], None] = lambda _: None,
    previous: Mapping[str, float] | None = None,
) -> tuple[smm.SmmFit, dict[str, Any]]:
    """Fit theta (core.match.smm.NAMES) on `runs` markets, drawn again from the same seeds at
    every evaluation, in rounds (`FIT_ROUNDS`); return the kept round's fit and the record.
    `previous`: the last fit's theta by name, the first round's start (a record of an earlier
    theta starts what its names became: core.match.smm.start_from; the others start at the
    reference); without it the reference."""
    names = [m.specialty for m in market.specialties]
    targets = published_cells(services, names)
    national = national_targets(services, names)
    streams = seeds(seed, runs)
    unseen = seeds(seed + 1, HELD_OUT_RUNS)
    # Each round fits theta on a market whose registration was settled under the last
    # round's theta, then settles it under its own: the registration the fit measures is the
    # one shipped, and Nelder-Mead starts afresh where it ended (a restart). The first round
    # starts from the last fit where there is one (else the reference). Of the start and the
    # rounds' ends, the one nearest the targets on markets the fit never saw
    # (`HELD_OUT_RUNS` of the next seed) is kept: a round that only fitted its own markets'
    # noise never replaces a better start.
    start = smm.REFERENCE if previous is None else smm.start_from(previous)
    # each type's active count as the market was built (the NRMP's, for the whole market)
    overall = registered_per_active(services)
    active = {g: n / overall for g, n in registered_by_type(market).items()}
    market, _ = settle_registration(market, streams, start, active)
    progress(f"{runs} markets per evaluation ({market.applicants:,} registered applicants each)")

    def settled_round(market: Market, start: tuple[float, ...], r: smm.SmmFit) -> _Round:
        # the market `smartpick simulate` draws: registration settled under the round's theta
        market, ratio = settle_registration(market, streams, r.theta, active, rounds=1)
        drawn = smm.outcomes(market, streams, r.theta)
        moments = national_moments(drawn, national)
        settled = smm.distance(drawn, targets, moments=moments)
        held_out = smm.distance(smm.outcomes(market, unseen, r.theta), targets, national)
        progress(
            f"settled: distance {settled:.4f}, {held_out:.4f} on markets the fit never saw "
            f"({market.applicants:,} registered)"
        )
        return _Round(start, r, market, ratio, drawn, moments, settled, held_out)

    begin = smm.distance(smm.outcomes(market, streams, start), targets, national)
    unmoved = smm.SmmFit(start, begin, begin, 0, runs, len(targets))
    rounds = [settled_round(market, start, unmoved)]  # the start itself, no evaluation
    for _ in range(FIT_ROUNDS):
        progress(f"from {', '.join(f'{v:+.2f}' for v in start)}")
        r = smm.fit(market, streams, targets, national, start, max_evaluations, progress)
        rounds.append(settled_round(market, start, r))
        market, start = rounds[-1].market, r.theta
    best = min(rounds, key=lambda r: r.held_out)
    result, market, ratio, fitted, moments = (
        best.fit,
        best.market,
        best.ratio,
        best.outcomes,
        best.moments,
    )
    chosen = result.behaviour
    year, offered, filled = soap_target(services)
    consideration, soap_share = smm.soap_fit(
        market, fitted, result.theta, streams, filled / offered
    )
    progress(
        f"SOAP: consideration {consideration:+.2f} fills {soap_share:.1%} of the positions "
        f"left unfilled (NRMP {year}: {filled / offered:.1%})"
    )
    record = {
        "description": "the Match simulator's own parameters (smartpick calibrate --market)",
        "method": "simulated method of moments: Nelder-Mead on (log tau, shift DO, shift IMG, "
        "shift U.S.-citizen IMG, "
        "log applications of U.S. MD, of DO and of IMGs, temperature of U.S. MD, of DO and of "
        "IMGs, programs' reach below their bar to fill interview slots, how much applicants "
        "differ in how many applications they send and in how they come across at interviews, "
        "alike at every program) over markets drawn again from the same seeds at every "
        "evaluation (common random numbers), matching each "
        "cell's published share matched in the preferred specialty and mean Step 2 CK of the "
        "matched and the unmatched, and the national match rate by type, fill rate (in all "
        "and by specialty), who filled each specialty by type, share of registered applicants "
        "with a rank order list, mean applications per applicant by type, U.S. MD share "
        "matched by contiguous ranks and non-U.S. IMG contiguous-rank medians, each against "
        "its sampling variance plus the model's own misfit; each type registered for its "
        "NRMP active count (core.match.smm, core.match.moments, settle_registration); in "
        "rounds, each from the last's end on the market settled under it, keeping the start or "
        "the round's end nearest the targets on markets the fit never saw",
        "dataset_version": services.dataset.version,
        "engine_code_hash": services.parameters["code_hash"],
        "code_hash": market_fingerprint(),
        "fitted_on": services.config.today.isoformat(),
        "runs": runs,
        "seed": seed,
        "theta": dict(zip(smm.NAMES, result.theta, strict=True)),
        "tau": result.tau,
        "shift": {g: result.shift(g) for g in TYPES},
        "behaviour": {
            "applications": {g: chosen.multiplier(g) for g in TYPES},
            "temperature": {g: chosen.heat(g) for g in TYPES},
            "reach": chosen.reach,
            "dispersion": chosen.dispersion,
            "impression": chosen.impression,
        },
        # the SOAP after the kept fit's Matches (core.match.soap), fitted to the NRMP's fill
        "soap": {
            "consideration": consideration,
            "share_filled": soap_share,
            "published": {"year": year, "offered": offered, "filled": filled},
        },
        "registered_per_active": ratio,
        "registered": market.applicants,
        # "settled": on the market shipped, whose registration was settled again at the fit
        "distance": {
            "start": result.start_distance,
            "fitted": result.distance,
            "settled": best.settled,
            "held_out": best.held_out,
        },
        "evaluations": sum(r.fit.evaluations for r in rounds),
        "seconds": sum(r.fit.seconds for r in rounds),
        "rounds": [
            {
                "theta": list(r.start),
                "end": list(r.fit.theta),
                "start_distance": r.fit.start_distance,
                "distance": r.fit.distance,
                "settled": r.settled,
                "held_out": r.held_out,
                "evaluations": r.fit.evaluations,
            }
            for r in rounds
        ],
        "national": [
            {
                "moment": m.name,
                "simulated": m.simulated,
                "published": m.published,
                "variance": m.variance,
                "chi2": m.chi2,
            }
            for m in moments
        ],
        "cells": [
            {
                "specialty": names[c.target.specialty],
                "applicant_type": c.target.applicant_type,
                "applicants": c.applicants,
                "simulated_share": c.share,
                "simulated_matched_mean": c.matched_mean,
            }
            for c in smm.simulated_cells(fitted, targets)
        ],
    }
    return result, record


def write_market_fit(record: dict[str, Any], folder: Path) -> Path:
    path = market_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return path
