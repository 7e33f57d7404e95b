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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from smartpick.core.match.applications import Behaviour
from smartpick.core.match.market import (
    Array,
    Draw,
    IntArray,
    Plans,
    SpecialtyMarket,
    draw_market,
)
from smartpick.core.match.moments import InterviewCounts, interview_counts
from smartpick.core.match.soap import soap_lists, soap_round
from smartpick.core.match.supplemental import match_supplemental_lists

PUBLISHED_TYPES = ("md", "do", "us-img", "non-us-img")  # the NRMP's and ERAS's four
# the NRMP's active applicants of none of the four published types (U.S. graduates of earlier
# years and others), drawn like U.S.-citizen IMGs (services.simulate)
OTHER = "other"
TYPES = (*PUBLISHED_TYPES, OTHER)


@dataclass(frozen=True)
class Market:
    """The national market: one SpecialtyMarket per specialty, and what was synthesized."""

    specialties: tuple[SpecialtyMarket, ...]
    notes: tuple[str, ...]
    left_out: tuple[str, ...]
    plans: Plans = field(default_factory=Plans)
    soap_applications: float = 0.0  # mean SOAP applications per unmatched applicant; 0: no SOAP
    behaviour: Behaviour = field(default_factory=Behaviour)  # how applicants apply (fitted)
    soap_consideration: float = 0.0  # log-odds added to a program's SOAP consideration (fitted)

    @property
    def positions(self) -> int:
        return int(sum(int(m.positions.sum()) for m in self.specialties))

    @property
    def applicants(self) -> int:
        return int(sum(c.count for m in self.specialties for c in m.cohorts))

    def draw(self, rng: np.random.Generator, engine: bool = False) -> Draw:
        return draw_market(self.specialties, rng, engine, self.plans, self.behaviour)

    def rates(self) -> tuple[Array, Array]:
        """(log rate, no-signal out-of-state intercept) of each type (rows: TYPES) at every
        program (-inf where no cohort of the type is prepared): what the SOAP draws by."""
        log_rate = np.full((len(TYPES), sum(m.size for m in self.specialties)), -np.inf)
        intercept = log_rate.copy()
        start = 0
        for m in self.specialties:
            for i, g in enumerate(TYPES):
                c = m.cohort(g)
                if c is not None and c.log_rate is not None and c.intercepts is not None:
                    log_rate[i, start : start + m.size] = c.log_rate
                    intercept[i, start : start + m.size] = c.intercepts[0]
            start += m.size
        return log_rate, intercept


@dataclass
class RunResult:
    """What one replication produced, in counts (summed over runs by `merge`)."""

    seconds: float
    applicants: dict[tuple[str, str], int]  # (specialty, type) -> applicants
    matched: dict[tuple[str, str], int]
    positions: int
    filled: int
    unfilled_programs: int = 0
    matched_anywhere: dict[tuple[str, str], int] = field(default_factory=dict)
    registered: dict[tuple[str, str], int] = field(default_factory=dict)  # active or not
    soap_offered: int = 0  # positions unfilled after the Match
    soap_filled: int = 0
    soap_applicants: int = 0  # unmatched applicants with a rank order list
    settled: bool = True  # the supplemental lists' passes stood still
    notes: list[str] = field(default_factory=list)
    interviews: InterviewCounts | None = None  # by number of interviews (moments' counts)
    specialties: tuple[str, ...] = ()  # the markets' names, in order


def widen(values: Array, extra: int, keep: bool = True) -> Array:
    """Program-by-program values of the programs with published figures, followed by `extra`
    programs without them: each of those takes the median of the others (synthetic). With
    `keep` False, only the `extra` programs: another specialty's median (a proxy)."""
    median = np.full(extra, float(np.median(values)))
    return np.concatenate([values, median]) if keep else median


def program_positions(seats: Sequence[int]) -> IntArray:
    """Each program's positions; a program with none known (0 or less) takes the median of
    the others', and at least 1 (1 where none is known)."""
    seat_array = np.array(seats, dtype=np.int32)
    known = seat_array[seat_array > 0]
    if (seat_array <= 0).any():
        seat_array[seat_array <= 0] = max(int(np.median(known)), 1) if known.size else 1
    return seat_array


def seeds(seed: int, runs: int) -> list[np.random.SeedSequence]:
    """One independent stream per replication: the same seed gives the same runs."""
    return list(np.random.SeedSequence(seed).spawn(runs))


def draw_markets(market: Market, streams: Sequence[np.random.SeedSequence]) -> list[Draw]:
    """One drawn market per stream, kept whole (the simulated-moments fit ranks the same
    draws again at every trial value)."""
    return [market.draw(np.random.default_rng(s)) for s in streams]


def match(draw: Draw, rank_of: IntArray | None = None, sup_rank_of: IntArray | None = None) -> Any:
    """The Match of a drawn market, supplemental lists included (rank_of and sup_rank_of:
    the programs' ranks when not the draw's own)."""
    return match_supplemental_lists(
        draw.applicant_ranks,
        draw.rank_of if rank_of is None else rank_of,
        draw.capacities,
        draw.advanced,
        draw.sup_ranks,
        draw.sup_rank_of if sup_rank_of is None else sup_rank_of,
    )


def run_once(
    market: Market,
    seed: np.random.SeedSequence,
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    """One replication: draw the market, run the Match, then the SOAP, and count."""
    say = progress or (lambda _: None)
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    say("drawing the market")
    draw = market.draw(rng)
    say(f"the Match: {int(draw.active.sum()):,} applicants with a rank order list")
    result = match(draw)
    filled = filled_positions(draw, result.match, result.pgy1)
    soap = np.full(result.match.size, -1, dtype=np.int32)
    if market.soap_applications > 0:
        say("the SOAP")
        soap = soap_placements(
            market, draw, result.match, filled, (draw.tau, draw.shift), rng,
            market.soap_consideration,
        )  # fmt: skip
    seconds = time.perf_counter() - start
    out = summarize(market, draw, result.match, seconds, filled)
    out.soap_offered = int((draw.capacities - filled).sum())
    out.soap_filled = int((soap >= 0).sum())
    out.soap_applicants = int((draw.active & (result.match < 0)).sum())
    out.settled = bool(result.settled)
    return out


def filled_positions(draw: Draw, matched: IntArray, pgy1: IntArray) -> IntArray:
    """Each program's positions taken in the Match, the supplemental lists' included."""
    taken = np.concatenate([matched[matched >= 0], pgy1[pgy1 >= 0]])
    return np.bincount(taken, minlength=draw.capacities.size).astype(np.int32)


def soap_placements(
    market: Market,
    draw: Draw,
    matched: IntArray,
    filled: IntArray,
    ranking: tuple[Array, Array],
    rng: np.random.Generator,
    consideration: float,
) -> IntArray:
    """The SOAP after a Match of `draw`: each applicant's program (-1: none). `matched`: the
    Match's result, `filled`: each program's positions taken (supplemental lists included),
    `ranking`: (tau, shift) by cohort, how programs evaluate."""
    types = np.array([TYPES.index(g) for g in draw.applicant_type], dtype=np.int64)
    log_rate, intercept = market.rates()
    tau, shift = ranking
    lists = soap_lists(
        draw.active & (matched < 0), types[draw.cohort], draw.strength, shift[draw.cohort],
        tau[draw.cohort], draw.capacities - filled, log_rate, intercept,
        market.soap_applications, rng, consideration,
    )  # fmt: skip
    return soap_round(lists, draw.capacities - filled, matched)


def summarize(
    market: Market,
    draw: Draw,
    matched: np.ndarray,
    seconds: float,
    filled_by_program: np.ndarray | None = None,
) -> RunResult:
    """Counts of one Match, over applicants with a rank order list (the NRMP's active
    applicants): by preferred specialty and type, matched there and matched anywhere."""
    names = [m.specialty for m in market.specialties]
    applicants: dict[tuple[str, str], int] = {}
    won: dict[tuple[str, str], int] = {}
    anywhere: dict[tuple[str, str], int] = {}
    registered: dict[tuple[str, str], int] = {}
    types: Any = (
        np.array(draw.applicant_type, dtype=object)[draw.cohort] if draw.cohort.size else []
    )
    home = (matched >= draw.offset[draw.specialty]) & (matched < draw.offset[draw.specialty + 1])
    active = draw.active
    for k, name in enumerate(names):
        here = draw.specialty == k
        for g in TYPES:
            every = here & (types == g)
            mask = every & active
            n = int(mask.sum())
            if every.any():
                registered[(name, g)] = int(every.sum())
            if n:
                applicants[(name, g)] = n
                won[(name, g)] = int((home & mask).sum())
                anywhere[(name, g)] = int(((matched >= 0) & mask).sum())
    if filled_by_program is None:
        filled_by_program = np.bincount(matched[matched >= 0], minlength=draw.capacities.size)
    return RunResult(
        seconds=seconds,
        applicants=applicants,
        matched=won,
        positions=int(draw.capacities.sum()),
        filled=int(filled_by_program.sum()),
        unfilled_programs=int((filled_by_program < draw.capacities).sum()),
        matched_anywhere=anywhere,
        registered=registered,
        interviews=interview_counts(draw, home, np.asarray(types)),
        specialties=tuple(names),
    )


def _total(items: list[RunResult], name: str) -> dict[tuple[str, str], int]:
    out: dict[tuple[str, str], int] = {}
    for r in items:
        for k, v in getattr(r, name).items():
            out[k] = out.get(k, 0) + v
    return out


def merge(results: Iterable[RunResult]) -> dict[str, Any]:
    """Totals over replications: match rates by type (matched anywhere, as the NRMP counts)
    and by specialty and type (matched in the preferred specialty, as Charting Outcomes
    counts), fill after the Match, and the SOAP."""
    items = list(results)
    runs = len(items)
    applicants = _total(items, "applicants")
    matched = _total(items, "matched")
    anywhere = _total(items, "matched_anywhere")
    registered = _total(items, "registered")
    by_type: dict[str, float] = {}
    preferred: dict[str, float] = {}
    for g in TYPES:
        n = sum(v for (_, t), v in applicants.items() if t == g)
        if n:
            by_type[g] = sum(v for (_, t), v in anywhere.items() if t == g) / n
            preferred[g] = sum(v for (_, t), v in matched.items() if t == g) / n
    positions = sum(r.positions for r in items)
    filled = sum(r.filled for r in items)
    offered = sum(r.soap_offered for r in items)
    counts = [r.interviews for r in items if r.interviews is not None]

    def per_run(value: float) -> float:
        return value / runs if runs else 0.0

    return {
        "runs": runs,
        "match_rate_by_type": by_type,
        "preferred_specialty_rate_by_type": preferred,
        "match_rate_by_cell": {
            f"{s}/{g}": matched[(s, g)] / n for (s, g), n in sorted(applicants.items())
        },
        "fill_rate": filled / positions if positions else math.nan,
        "applicants": per_run(sum(applicants.values())),
        "registered_applicants": per_run(sum(registered.values())),
        "applicants_by_type": {
            g: per_run(sum(v for (_, t), v in applicants.items() if t == g)) for g in TYPES
        },
        "unmatched_applicants": per_run(sum(applicants.values()) - sum(anywhere.values())),
        "positions": per_run(positions),
        "unfilled_positions": per_run(positions - filled),
        "soap": {
            "positions_offered": per_run(offered),
            "positions_filled": per_run(sum(r.soap_filled for r in items)),
            "applicants": per_run(sum(r.soap_applicants for r in items)),
        },
        "supplemental_settled": all(r.settled for r in items),
        "seconds_per_run": sum(r.seconds for r in items) / runs if runs else math.nan,
        "interviews": by_interviews(sum(counts[1:], counts[0]), items[0].specialties)
        if counts
        else {},
    }


RANKS_SHOWN = 15  # the U.S. MD share matched by ranks, k = 1..15


def _number(value: float) -> float | None:
    """JSON's number: None where there is none (a median of no applicants)."""
    return None if math.isnan(value) else value


def by_interviews(counts: InterviewCounts, specialties: Sequence[str]) -> dict[str, Any]:
    """What the Match made of interviews, as Charting Outcomes counts it: the U.S. MD share
    matched in the preferred specialty by its programs ranked (k = 1..15, where any had k),
    and the non-U.S. IMG median contiguous ranks, matched and not, by preferred specialty."""
    shares = {k: counts.md_share(k) for k in range(1, RANKS_SHOWN + 1)}
    medians = {specialties[k]: counts.img_medians(k) for k in sorted(counts.img_won)}
    return {
        "md_share_matched_by_ranks": {str(k): v for k, v in shares.items() if not math.isnan(v)},
        "non_us_img_contiguous_ranks_median": {
            name: {"matched": _number(m), "not_matched": _number(u)}
            for name, (m, u) in medians.items()
        },
    }
