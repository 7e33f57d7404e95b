"""The simulated national Match: the specialties' markets (core.match.market) together,
replicated with independent random streams (numpy SeedSequence.spawn), matched by deferred
acceptance (core.match.acceptance), and counted.

What goes into the market from the dataset is the service's business (services.simulate);
this module holds the arithmetic: the arrays of programs without published figures, one
replication and its counts, and the totals over replications.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from smartpick.core.match.acceptance import deferred_acceptance_lists
from smartpick.core.match.market import Array, Draw, IntArray, SpecialtyMarket, draw_market

TYPES = ("md", "do", "us-img", "non-us-img")


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


def widen(values: Array, extra: int) -> Array:
    """Program-by-program values of the programs with published figures, followed by `extra`
    programs without them: each of those takes the median of the others (synthetic)."""
    return np.concatenate([values, np.full(extra, float(np.median(values)))])


def program_positions(seats: Sequence[int]) -> IntArray:
    """Each program's positions; a program with none known (0 or less) takes the median of
    the others', and at least 1."""
    seat_array = np.array(seats, dtype=np.int32)
    if (seat_array <= 0).any():
        seat_array[seat_array <= 0] = max(int(np.median(seat_array[seat_array > 0])), 1)
    return seat_array


def seeds(seed: int, runs: int) -> list[np.random.SeedSequence]:
    """One independent stream per replication: the same seed gives the same runs."""
    return list(np.random.SeedSequence(seed).spawn(runs))


def draw_markets(market: Market, streams: Sequence[np.random.SeedSequence]) -> list[Draw]:
    """One drawn market per stream, kept whole (the simulated-moments fit ranks the same
    draws again at every trial value)."""
    return [draw_market(market.specialties, np.random.default_rng(s)) for s in streams]


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
