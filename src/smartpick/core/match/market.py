"""A synthetic national market for the Match: applicants, applications, signals, interviews
and rank order lists from both sides, drawn from the engine's own model so that the Match
itself (deferred acceptance, core.match.acceptance) is the only thing added (METHODS §4.6).

Per specialty and applicant type, one draw of the market:

1. Applicants: Step 2 CK from the published matched / unmatched normals mixed at the match
   share (the engine's pool), strength S = b z + sigma e (core.model).
2. Applications: each applicant sends a Poisson number (mean: the engine's typical count)
   to programs chosen without replacement with chances rising with the program's population
   interview rate for the type (Gumbel top-k on log rate: the engine's typical list); the
   same random key orders the applicant's liking of the programs.
3. Where: each application is in-state with the specialty's estimated in-state share.
4. Signals: the applicant's best-liked programs get the signals, as many of each tier as
   the specialty's estimated share of signalled applications says, never more than allowed.
5. Interviews: a program invites with probability expit(A + S), A the program's intercept
   for the application's cell anchored at the type's strength variance (core.model.interview).
6. Rank order lists: applicants rank every program that interviewed them by their liking;
   programs rank every interviewee by S + shift + tau eta, eta ~ N(0, 1) program by program:
   tau is how much a program's own view adds to what every program sees, shift (per type)
   how programs weigh the type beyond strength. Both are the simulator's own parameters,
   fitted by simulated moments (core.match.smm).
7. Capacities: each program's positions.

Everything is drawn from one numpy Generator, so one seed gives one market.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from smartpick.core.model.interview import anchor, expit
from smartpick.core.model.outcomes import normal_nodes
from smartpick.core.model.parameters import ETA_NODES, Params, Pool, variance

Array = NDArray[np.float64]
IntArray = NDArray[np.int32]
ENGINE_NODES = 12  # strength nodes of the engine's closed form, per applicant


@dataclass(frozen=True)
class Cohort:
    """One applicant type applying to one specialty."""

    applicant_type: str
    count: int
    params: Params
    pool: Pool
    match_share: float  # of the published figures: mixes the matched / unmatched scores
    matched: tuple[float, float]  # (centre, sd) of matched applicants' Step 2 CK
    unmatched: tuple[float, float]  # (centre, sd) of unmatched applicants' Step 2 CK
    applications: float  # mean applications per applicant
    level: Array  # (m,) the type's population log-odds per program (core.model.interview cells)
    tau: float  # a program's own evaluation noise for this type
    shift: float = 0.0  # programs' preference for the type beyond strength (log-odds scale)
    in_state_share: float | None = None  # of its applications; None: the market's (IMGs: 0)
    # Filled by `prepare`: what does not change from draw to draw
    log_rate: Array | None = None  # (m,) log of the population rate the list is chosen by
    intercepts: Array | None = None  # (cells, m) A per in-state x signal cell


@dataclass(frozen=True)
class SpecialtyMarket:
    """The programs of one specialty and the cohorts applying to it."""

    specialty: str
    program_ids: tuple[str, ...]
    positions: IntArray  # (m,)
    location: Array  # (m,) log odds ratio in-state vs out-of-state
    signal: Mapping[str, Array]  # tier -> (m,) log odds ratio over no signal
    in_state_share: float
    signal_share: Mapping[str, float]  # tier -> share of applications carrying it
    signal_limit: Mapping[str, int]  # tier -> signals an applicant may send
    cohorts: Sequence[Cohort]

    @property
    def size(self) -> int:
        return len(self.program_ids)


@dataclass
class Draw:
    """One market drawn: the Match's inputs and what each applicant is."""

    applicant_ranks: IntArray  # (n, k) global program indices, best first, -1 padded
    rank_of: IntArray  # (n, k) the program's rank of the applicant for that entry
    capacities: IntArray  # (P,)
    specialty: IntArray  # (n,) index into the markets
    applicant_type: list[str]  # type of each cohort; `cohort` indexes it
    cohort: IntArray  # (n,)
    score: Array  # (n,) Step 2 CK
    strength: Array  # (n,)
    applications: IntArray  # (n,)
    interviews: IntArray  # (n,)
    offset: IntArray  # (markets + 1,) first global program index of each specialty
    # Kept to rank again under other tau and shift (core.match.market.program_ranks)
    rows: NDArray[np.int64]  # (entries,) applicant of each interview
    cols: NDArray[np.int64]  # (entries,) its position on the applicant's list
    noise: Array  # (entries,) eta of each interview
    engine_p: Array | None = None  # (n,) the engine's closed-form chance, when asked
    notes: list[str] = field(default_factory=list)

    @property
    def programs(self) -> IntArray:
        """(entries,) program of each interview."""
        return self.applicant_ranks[self.rows, self.cols]


@dataclass
class _Block:
    programs: IntArray  # global ids of the programs that interviewed, applicant by applicant
    noise: Array  # eta of each, same order
    lengths: NDArray[np.int64]  # interviews of each applicant
    score: Array
    strength: Array
    applications: IntArray
    cohort: int
    specialty: int


def prepare(market: SpecialtyMarket) -> SpecialtyMarket:
    """The market with each cohort's list weights and intercepts solved (once, not per draw):
    cells are ordered out-of-state then in-state, each with no signal then each tier."""
    tiers = list(market.signal_share)
    cohorts = []
    for c in market.cohorts:
        parts = [(1 - sum(market.signal_share.values()), c.level)]
        parts += [(share, c.level + market.signal[t]) for t, share in market.signal_share.items()]
        w_in = market.in_state_share if c.in_state_share is None else c.in_state_share
        rate = sum(
            share * (w_in * expit(lv + market.location) + (1 - w_in) * expit(lv))
            for share, lv in parts
        )
        cells = np.vstack(
            [c.level + loc + (market.signal[t] if t else 0.0)
             for loc in (0.0, market.location) for t in ["", *tiers]]
        )  # fmt: skip
        cohorts.append(
            replace(
                c,
                log_rate=np.log(np.maximum(np.asarray(rate), 1e-12)),
                intercepts=anchor(cells, variance(c.params, c.pool)),
            )
        )
    return replace(market, cohorts=tuple(cohorts))


def _cohort_block(
    market: SpecialtyMarket, c: Cohort, base: int, rng: np.random.Generator, engine: bool
) -> tuple[IntArray, Array, NDArray[np.int64], Array, Array, IntArray, Array | None]:
    if c.log_rate is None or c.intercepts is None:
        raise ValueError("the market is not prepared: call core.match.market.prepare first")
    n, m = c.count, market.size
    matched = rng.random(n) < c.match_share
    centre = np.where(matched, c.matched[0], c.unmatched[0])
    sd = np.where(matched, c.matched[1], c.unmatched[1])
    score = centre + sd * rng.standard_normal(n)
    s = c.params.score_weight * c.pool.z(score) + c.params.spread * rng.standard_normal(n)
    count = np.clip(rng.poisson(c.applications, n), 1, m).astype(np.int32)
    kmax = int(count.max())
    # Gumbel top-k as an exponential race: log r + Gumbel ranks programs as E / r does
    # (E ~ Exp(1)), smallest first; single precision halves the work, ties are negligible.
    race = rng.standard_exponential((n, m), dtype=np.float32)
    race *= np.exp(-c.log_rate).astype(np.float32)[None, :]
    if kmax < m:
        top = np.argpartition(race, kmax - 1, axis=1)[:, :kmax]
    else:
        top = np.broadcast_to(np.arange(m), (n, m))
    order = np.argsort(np.take_along_axis(race, top, axis=1), axis=1)
    chosen = np.take_along_axis(top, order, axis=1)  # best liked first
    # Cells of each application: in-state, and signals on the best-liked programs
    tiers = list(market.signal_share)
    w_in = market.in_state_share if c.in_state_share is None else c.in_state_share
    cell = (rng.random(chosen.shape) < w_in).astype(np.int64) * (1 + len(tiers))
    start = np.zeros(n, dtype=np.int64)
    position = np.arange(kmax)[None, :]
    for i, t in enumerate(tiers, start=1):
        limit = market.signal_limit.get(t, 0)
        k = np.minimum(np.rint(market.signal_share[t] * count).astype(np.int64), limit)
        cell += np.where((position >= start[:, None]) & (position < (start + k)[:, None]), i, 0)
        start += k
    a = c.intercepts[cell, chosen]
    sent = position < count[:, None]
    invited = (rng.random(chosen.shape) < expit(a + s[:, None])) & sent
    engine_p = _engine_chance(c, score, a, sent) if engine else None
    noise = rng.standard_normal(chosen.shape)
    # Row-major masking keeps each applicant's programs together, best liked first
    programs = (chosen[invited] + base).astype(np.int32)
    return programs, noise[invited], invited.sum(axis=1), score, s, count, engine_p


def _engine_chance(c: Cohort, score: Array, a: Array, sent: NDArray[np.bool_]) -> Array:
    """The engine's closed-form chance of matching for each applicant's own list, knowing
    only the score (core.model): 1 - E[prod_j (1 - expit(A_j + S) expit(c + S + tau eta))],
    S = b z + sigma e, over Gauss-Hermite nodes of e and eta."""
    e, w = normal_nodes(ENGINE_NODES)
    h, v = normal_nodes(ETA_NODES) if c.params.conversion_spread > 0 else (np.zeros(1), np.ones(1))
    base = c.params.score_weight * c.pool.z(score)
    miss = np.zeros(score.size)
    for node, weight in zip(e, w, strict=True):
        s = base + c.params.spread * node
        p = np.where(sent, expit(a + s[:, None]), 0.0)
        for eta, weight_eta in zip(h, v, strict=True):
            q = expit(
                c.params.conversion
                + c.params.conversion_weight * s
                + c.params.conversion_spread * eta
            )
            f = p * q[:, None]
            miss += weight * weight_eta * np.exp(np.log1p(-np.minimum(f, 1 - 1e-15)).sum(axis=1))
    return np.asarray(1.0 - miss, dtype=np.float64)


def draw_market(
    markets: Sequence[SpecialtyMarket], rng: np.random.Generator, engine: bool = False
) -> Draw:
    """One national market (of prepared SpecialtyMarkets), programs numbered in order; with
    `engine`, each applicant's chance by the engine's closed form too (Draw.engine_p)."""
    offset = np.zeros(len(markets) + 1, dtype=np.int32)
    for k, mk in enumerate(markets):
        offset[k + 1] = offset[k] + mk.size
    blocks: list[_Block] = []
    types: list[str] = []
    tau: list[float] = []
    shift: list[float] = []
    chances: list[Array | None] = []
    for k, mk in enumerate(markets):
        for c in mk.cohorts:
            if c.count <= 0:
                continue
            programs, noise, lengths, score, s, count, engine_p = _cohort_block(
                mk, c, int(offset[k]), rng, engine
            )
            types.append(c.applicant_type)
            blocks.append(_Block(programs, noise, lengths, score, s, count, len(types) - 1, k))
            chances.append(engine_p)
            tau.append(c.tau)
            shift.append(c.shift)

    def joined(parts: list[Any], dtype: Any) -> Any:
        return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype=dtype)

    lengths = joined([b.lengths for b in blocks], np.int64)
    programs = joined([b.programs for b in blocks], np.int32)
    n = lengths.size
    width = max(int(lengths.max(initial=0)), 1)
    ranks = np.full((n, width), -1, dtype=np.int32)
    rows = np.repeat(np.arange(n), lengths)
    cols = np.arange(programs.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    ranks[rows, cols] = programs
    draw = Draw(
        applicant_ranks=ranks,
        rank_of=np.full((n, width), -1, dtype=np.int32),
        capacities=joined([mk.positions for mk in markets], np.int32),
        specialty=joined([np.full(b.lengths.size, b.specialty) for b in blocks], np.int32),
        applicant_type=types,
        cohort=joined([np.full(b.lengths.size, b.cohort) for b in blocks], np.int32),
        score=joined([b.score for b in blocks], np.float64),
        strength=joined([b.strength for b in blocks], np.float64),
        applications=joined([b.applications for b in blocks], np.int32),
        interviews=lengths.astype(np.int32),
        offset=offset,
        rows=rows,
        cols=cols,
        noise=joined([b.noise for b in blocks], np.float64),
        engine_p=joined(chances, np.float64) if engine else None,
    )
    draw.rank_of = program_ranks(draw, np.array(tau), np.array(shift))
    return draw


def program_ranks(draw: Draw, tau: Array, shift: Array) -> IntArray:
    """(n, k) each program's rank of each interviewee, best first (rank 0), by the evaluation
    S + shift + tau * eta with `tau` and `shift` per cohort: the draw ranked again under
    other parameters, every other random draw held fixed (common random numbers)."""
    rank_of = np.full(draw.applicant_ranks.shape, -1, dtype=np.int32)
    if draw.rows.size == 0:
        return rank_of
    who = draw.cohort[draw.rows]
    values = draw.strength[draw.rows] + shift[who] + tau[who] * draw.noise
    programs = draw.programs
    order = np.lexsort((-values, programs))
    sorted_programs = programs[order]
    first = np.searchsorted(sorted_programs, sorted_programs, side="left")
    rank_of[draw.rows[order], draw.cols[order]] = (np.arange(order.size) - first).astype(np.int32)
    return rank_of
