"""Fitting the simulator's own parameters by simulated moments (core.match.smm) on the dataset's
published cells, and the record of the fit (`fitted/market.json`, beside the engine's
parameters). `smartpick calibrate --market` runs it."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smartpick.core.match import smm
from smartpick.core.match.national import Market, draw_markets, seeds
from smartpick.fitted import market_fingerprint, market_path

if TYPE_CHECKING:
    from smartpick.services import Services

FIT_RUNS = 4  # drawn markets behind each evaluation
FIT_SEED = 20261126
FIT_EVALUATIONS = 80


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


def fit_market(
    services: Services,
    market: Market,
    runs: int = FIT_RUNS,
    seed: int = FIT_SEED,
    max_evaluations: int = FIT_EVALUATIONS,
    progress: Callable[[str], None] = lambda _: None,
    previous: tuple[float, float, float] | None = None,
) -> tuple[smm.SmmFit, dict[str, Any]]:
    """Fit (tau, shifts) on `runs` markets drawn once; return the fit and its record.
    `previous`: the last fit's theta, a second start."""
    names = [m.specialty for m in market.specialties]
    targets = published_cells(services, names)
    progress(f"drawing {runs} markets ({market.applicants:,} applicants each)")
    draws = draw_markets(market, seeds(seed, runs))
    # Nelder-Mead finds a local best: it starts from the reference (tau 1, no shift) and from
    # the last fit where there is one (as the engine's refit does); the better end is kept.
    begin = [(0.0, 0.0, 0.0)]
    if previous is not None and previous not in begin:
        begin.append(previous)
    tried = []
    for start in begin:
        progress(f"from {', '.join(f'{v:+.2f}' for v in start)}")
        tried.append(smm.fit(draws, targets, start, max_evaluations, progress=progress))
    result = min(tried, key=lambda r: r.distance)
    record = {
        "description": "the Match simulator's own parameters (smartpick calibrate --market)",
        "method": "simulated method of moments: Nelder-Mead on (log tau, shift DO, shift IMG) "
        "over markets drawn once (common random numbers), matching each cell's published share "
        "matched in the preferred specialty and mean Step 2 CK of the matched and the "
        "unmatched (core.match.smm)",
        "dataset_version": services.dataset.version,
        "engine_code_hash": services.parameters["code_hash"],
        "code_hash": market_fingerprint(),
        "fitted_on": services.config.today.isoformat(),
        "runs": runs,
        "seed": seed,
        "theta": dict(zip(smm.NAMES, result.theta, strict=True)),
        "tau": result.tau,
        "shift": {g: result.shift(g) for g in ("md", "do", "us-img", "non-us-img")},
        "distance": {"start": result.start_distance, "fitted": result.distance},
        "evaluations": result.evaluations,
        "starts": [
            {"theta": list(start), "distance": r.distance}
            for start, r in zip(begin, tried, strict=True)
        ],
        "cells": [
            {
                "specialty": names[c.target.specialty],
                "applicant_type": c.target.applicant_type,
                "applicants": c.applicants,
                "simulated_share": c.share,
                "simulated_matched_mean": c.matched_mean,
            }
            for c in smm.simulated_cells(draws, result.theta, targets)
        ],
    }
    return result, record


def write_market_fit(record: dict[str, Any], folder: Path) -> Path:
    path = market_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return path
