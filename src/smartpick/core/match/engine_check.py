"""The engine's closed form against the simulated Match: for each simulated applicant, the
engine's chance for their own list (knowing only the score) beside whether the Match matched
them; overall (Brier score), by cell (specialty x applicant type), and binned by the engine's
chance. The validation report (smartpick validate) shows it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from smartpick.core.match.national import Market, match


@dataclass(frozen=True)
class CellCheck:
    """One cell: the engine's mean chance against the share the simulation matched."""

    specialty: str
    applicant_type: str
    applicants: float  # a run
    engine: float
    simulated: float


@dataclass(frozen=True)
class BinCheck:
    """The applicants whose engine chance falls in one bin (quantiles of the chance)."""

    engine: float
    simulated: float
    applicants: int  # over all runs


@dataclass(frozen=True)
class EngineCheck:
    applicants: int  # over all runs
    brier: float
    brier_base: float  # of the overall simulated match rate, for every applicant
    engine_mean: float
    simulated_mean: float
    bins: tuple[BinCheck, ...]
    cells: tuple[CellCheck, ...]


def check_engine(
    market: Market,
    streams: Sequence[np.random.SeedSequence],
    bins: int = 10,
    specialties: Collection[str] | None = None,
) -> EngineCheck:
    """One drawn market and Match per stream; every applicant of each is a sampled profile,
    or (`specialties`) those who prefer one of these markets."""
    runs = len(streams)
    names = [m.specialty for m in market.specialties]
    checked = np.array([specialties is None or n in specialties for n in names])
    unknown = set(specialties or ()) - set(names)
    if unknown or not checked.any():
        raise ValueError(f"no market to check among {sorted(specialties or ())}")
    predicted, outcome, cell = [], [], []
    for s in streams:
        draw = market.draw(np.random.default_rng(s), engine=True)
        at = match(draw).match
        # The engine's chance is for the preferred specialty's list: matched there
        home = (at >= draw.offset[draw.specialty]) & (at < draw.offset[draw.specialty + 1])
        assert draw.engine_p is not None
        keep = checked[draw.specialty]
        predicted.append(draw.engine_p[keep])
        outcome.append(home[keep].astype(np.float64))
        types = np.array(draw.applicant_type)[draw.cohort[keep]]
        cell += [f"{names[k]}/{g}" for k, g in zip(draw.specialty[keep], types, strict=True)]
    p, y = np.concatenate(predicted), np.concatenate(outcome)
    labels = np.array(cell)
    by_cell = []
    for key in sorted(set(cell)):
        mask = labels == key
        spec, g = key.split("/")
        by_cell.append(
            CellCheck(
                specialty=spec,
                applicant_type=g,
                applicants=int(mask.sum()) / runs,
                engine=float(p[mask].mean()),
                simulated=float(y[mask].mean()),
            )
        )
    edges = np.quantile(p, np.linspace(0, 1, bins + 1))
    which = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, bins - 1)
    table = [
        BinCheck(
            engine=float(p[which == b].mean()),
            simulated=float(y[which == b].mean()),
            applicants=int((which == b).sum()),
        )
        for b in range(bins)
        if (which == b).any()
    ]
    base = float(y.mean())
    return EngineCheck(
        applicants=int(p.size),
        brier=float(np.mean((p - y) ** 2)),
        brier_base=float(np.mean((base - y) ** 2)),
        engine_mean=float(p.mean()),
        simulated_mean=base,
        bins=tuple(table),
        cells=tuple(by_cell),
    )
