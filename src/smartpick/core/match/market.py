"""A synthetic national market for the Match: applicants, applications, signals, interviews
and rank order lists from both sides, drawn from the engine's own model so that the Match
itself (deferred acceptance, core.match.acceptance) is the only thing added (METHODS §4.6).

Per specialty and applicant type, one draw of the market:

1. Applicants: Step 2 CK from the published matched / unmatched normals mixed at the match
   share (the engine's pool), strength S = b z + sigma e (core.model).
2. Applications: each applicant sends a Poisson number (mean: the engine's typical count
   times the type's multiplier and the applicant's own breadth, lognormal of mean 1 and the
   same in every specialty the applicant applies to, `Behaviour`) to programs chosen
   without replacement with chances rising with the program's population interview rate
   for the type raised to the type's temperature (Gumbel top-k on temperature x log rate;
   temperature 1: the engine's typical list); the same random key orders the applicant's
   liking of the programs.
3. Where: each application is in-state with the specialty's estimated in-state share.
4. Signals: the applicant's best-liked programs get the signals, as many of each tier as
   the specialty's estimated share of signalled applications says, never more than allowed.
5. Interviews: an application clears the program's bar with probability expit(A + S), A the
   program's intercept for the application's cell anchored at the type's strength variance
   (core.model.interview); a program with interview slots keeps the slots' worth that
   cleared it by the most (the margin A + S - logit(coin)) and fills empty slots from
   below its bar down to `Behaviour.reach`.
6. Rank order lists: applicants rank every program that interviewed them by their liking;
   programs rank every interviewee by margin + shift + tau eta, eta ~ N(0, 1) program by
   program: what the program saw when it invited, how it weighs the type beyond that
   (shift, per type) and what the interview adds (tau), plus how the applicant comes across
   at interviews, alike at every program (`Behaviour.impression`). All are the simulator's
   own parameters, fitted by simulated moments (core.match.smm).
7. Capacities: each program's positions.
8. Plans beyond the preferred specialty (`Plans`): a share of each cohort also applies to a
   second specialty and ranks its interviews after the preferred one's (a parallel plan);
   applicants with an advanced (PGY-2) program among their interviews apply to the PGY-1
   years and rank those interviews on a supplemental list (core.match.supplemental).

Everything is drawn from one numpy Generator, so one seed gives one market; the numbers of
each applicant and program are common random numbers (core.match.crn), so the same seed under
other behaviour gives the same applicants with the same coins.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from smartpick.core.match import crn
from smartpick.core.match.applications import Behaviour, apply
from smartpick.core.match.engine_terms import engine_chance
from smartpick.core.match.ranking import program_ranks, within_slots
from smartpick.core.model.parameters import Params, Pool

Array = NDArray[np.float64]
IntArray = NDArray[np.int32]


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
    backup_share: float = 0.0  # of the cohort, also ranking a second specialty (`Plans`)
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
    advanced: NDArray[np.bool_] | Sequence[bool] | None = None  # (m,) programs at PGY-2
    pgy1: bool = False  # the PGY-1 years: applied to beside a specialty (preferred by few)
    slots: IntArray | None = None  # (m,) interviews each program gives at most; None: no limit

    @property
    def size(self) -> int:
        return len(self.program_ids)

    def cohort(self, applicant_type: str) -> Cohort | None:
        return next((c for c in self.cohorts if c.applicant_type == applicant_type), None)


@dataclass(frozen=True)
class Plans:
    """What applicants rank beyond their preferred specialty: `backup` weighs the markets a
    second specialty is drawn from (market index -> weight; never the preferred one);
    `pgy1` is the index of the PGY-1 years' market, where applicants with an advanced program
    among their interviews apply for a supplemental list (None: no supplemental lists)."""

    backup: Mapping[int, float] = field(default_factory=dict)
    pgy1: int | None = None


@dataclass
class Draw:
    """One market drawn: the Match's inputs and what each applicant is. Entries (interviews)
    are kept flat beside the lists to rank them again under other tau and shift."""

    applicant_ranks: IntArray  # (n, k) global program indices, best first, -1 padded
    rank_of: IntArray  # (n, k) the program's rank of the applicant for that entry
    capacities: IntArray  # (P,)
    specialty: IntArray  # (n,) index of the preferred specialty's market
    applicant_type: list[str]  # type of each cohort; `cohort` indexes it
    cohort: IntArray  # (n,)
    score: Array  # (n,) Step 2 CK
    strength: Array  # (n,)
    applications: IntArray  # (n,) to the preferred specialty
    sent: IntArray  # (n,) in all: the preferred specialty, a second one, the PGY-1 years
    interviews: IntArray  # (n,) programs on the (primary) rank order list
    own: IntArray  # (n,) of them in the preferred specialty (its contiguous ranks)
    backup: IntArray  # (n,) market of the second specialty, -1 for none
    offset: IntArray  # (markets + 1,) first global program index of each market
    sup_ranks: IntArray  # (n, k2) supplemental PGY-1 lists, -1 padded
    sup_rank_of: IntArray  # (n, k2)
    advanced: NDArray[np.bool_]  # (P,) programs starting at PGY-2
    rows: NDArray[np.int64]  # (entries,) applicant of each interview
    cols: NDArray[np.int64]  # (entries,) its position on the applicant's list
    lists: NDArray[np.int8]  # (entries,) 0: the rank order list, 1: the supplemental list
    programs: IntArray  # (entries,) program of each interview
    noise: Array  # (entries,) eta of each interview
    margin: Array  # (entries,) what the program saw when it invited: A + S - logit(coin)
    impression: Array  # (n,) how each applicant comes across at interviews, standard normal
    engine_p: Array | None = None  # (n,) the engine's closed-form chance, when asked
    tau: Array = field(default_factory=lambda: np.zeros(0))  # (cohorts,) as drawn
    shift: Array = field(default_factory=lambda: np.zeros(0))  # (cohorts,) as drawn
    impression_sd: float = 0.0  # the impression's sd as drawn (Behaviour.impression)

    @property
    def active(self) -> NDArray[np.bool_]:
        """Applicants with a rank order list: the NRMP counts no one else."""
        return np.asarray(self.interviews > 0)


@dataclass
class _Part:
    """Interviews of some applicants in one market: who, where on which list, which program."""

    who: NDArray[np.int64]
    order: int  # 0: preferred specialty, 1: second specialty (same list, after)
    col: NDArray[np.int64]
    program: NDArray[np.int64]
    lst: int  # 0: rank order list, 1: supplemental list
    margin: Array  # how far the invitation cleared the program's bar: who gets a slot first


def _part(
    who: NDArray[np.int64], chosen: IntArray, invited: NDArray[np.bool_], base: int, order: int,
    lst: int, margin: Array,
) -> _Part:  # fmt: skip
    r, k = np.nonzero(invited)  # row-major: each applicant's programs together, in order
    return _Part(
        who[r], order, k.astype(np.int64), chosen[r, k].astype(np.int64) + base, lst, margin[r, k]
    )


def _cap(parts: list[_Part], slots: NDArray[np.int64], programs: NDArray[np.bool_]) -> list[_Part]:
    """The parts with the invitations of `programs` over their slots dropped."""
    if not parts or not programs.any():
        return parts
    program = np.concatenate([p.program for p in parts])
    margin = np.concatenate([p.margin for p in parts])
    limit = np.where(programs, slots, -1)
    keep = within_slots(program, margin, limit)
    if keep.all():
        return parts
    out, start = [], 0
    for p in parts:
        k = keep[start : start + p.who.size]
        start += p.who.size
        out.append(_Part(p.who[k], p.order, p.col[k], p.program[k], p.lst, p.margin[k]))
    return out


def _cohort_block(
    markets: Sequence[SpecialtyMarket],
    k: int,
    c: Cohort,
    first: int,
    offset: IntArray,
    plans: Plans,
    rng: np.random.Generator,
    engine: bool,
    behaviour: Behaviour,
    key: int,
) -> tuple[list[_Part], Array, Array, IntArray, IntArray, IntArray, Array | None]:
    """One cohort's applicants (numbered from `first`): their interviews in the preferred
    specialty and in a second specialty for some; (parts, score, strength, applications to
    the preferred specialty, applications in all, backup market, engine chance). The PGY-1
    years of those with an advanced program come after every program has kept its slots
    (`_supplemental`)."""
    market = markets[k]
    n = c.count
    matched = rng.random(n) < c.match_share
    centre = np.where(matched, c.matched[0], c.unmatched[0])
    sd = np.where(matched, c.matched[1], c.unmatched[1])
    score = centre + sd * rng.standard_normal(n)
    s = c.params.score_weight * c.pool.z(score) + c.params.spread * rng.standard_normal(n)
    who = np.arange(first, first + n, dtype=np.int64)
    chosen, invited, count, a, margin = apply(market, c, s, who, int(offset[k]), behaviour, key)
    engine_p = (
        engine_chance(c, score, a, np.arange(chosen.shape[1]) < count[:, None]) if engine else None
    )
    parts = [_part(who, chosen, invited, int(offset[k]), 0, 0, margin)]
    sent = count.copy()
    backup = np.full(n, -1, dtype=np.int32)
    targets = [(j, w) for j, w in plans.backup.items() if j != k and w > 0]
    if targets and c.backup_share > 0:
        weights = np.array([w for _, w in targets]) / sum(w for _, w in targets)
        second = rng.random(n) < c.backup_share
        pick = rng.choice(len(targets), size=n, p=weights)
        for i, (j, _) in enumerate(targets):
            cj = markets[j].cohort(c.applicant_type)
            mask = second & (pick == i)
            if cj is None or not mask.any():
                continue
            backup[mask] = j
            ch, inv, more, _, mg = apply(
                markets[j], cj, s[mask], who[mask], int(offset[j]), behaviour, key
            )
            sent[mask] += more
            parts.append(_part(who[mask], ch, inv, int(offset[j]), 1, 0, mg))
    return parts, score, s, count, sent, backup, engine_p


def _supplemental(
    markets: Sequence[SpecialtyMarket],
    k: int,
    c: Cohort,
    who: NDArray[np.int64],
    s: Array,
    interviewed: NDArray[np.bool_],
    offset: IntArray,
    plans: Plans,
    behaviour: Behaviour,
    key: int,
    sent: IntArray,
) -> list[_Part]:
    """The PGY-1 years' interviews, for a supplemental list, of cohort c's applicants `who`
    who kept an interview at an advanced program of their preferred specialty
    (`interviewed`, over all applicants), their applications added to `sent`."""
    market = markets[k]
    if plans.pgy1 is None or market.advanced is None or not np.any(market.advanced):
        return []
    pgy1 = markets[plans.pgy1]
    cp = pgy1.cohort(c.applicant_type)
    wants = interviewed[who]
    if cp is None or not wants.any():
        return []
    base = int(offset[plans.pgy1])
    ch, inv, more, _, mg = apply(pgy1, cp, s[wants], who[wants], base, behaviour, key)
    sent[who[wants]] += more
    return [_part(who[wants], ch, inv, base, 0, 1, mg)]


def draw_market(
    markets: Sequence[SpecialtyMarket],
    rng: np.random.Generator,
    engine: bool = False,
    plans: Plans | None = None,
    behaviour: Behaviour | None = None,
) -> Draw:
    """One national market (of prepared SpecialtyMarkets), programs numbered in order; with
    `engine`, each applicant's chance by the engine's closed form too (Draw.engine_p).
    The generator draws the applicants and the key of the draw's common random numbers
    (core.match.crn): the same generator state under other `behaviour` gives the same
    applicants with the same coins."""
    plans = plans or Plans()
    behaviour = behaviour or Behaviour()
    key = int(rng.integers(2**62))
    offset = np.zeros(len(markets) + 1, dtype=np.int32)
    for k, mk in enumerate(markets):
        offset[k + 1] = offset[k] + mk.size
    parts: list[_Part] = []
    per: list[tuple[Any, ...]] = []  # (specialty, cohort, score, strength, count, backup)
    types: list[str] = []
    tau: list[float] = []
    shift: list[float] = []
    chances: list[Array | None] = []
    first = 0
    blocks: list[tuple[int, Cohort, NDArray[np.int64], Array]] = []
    for k, mk in enumerate(markets):
        for c in mk.cohorts:
            if c.count <= 0:
                continue
            got, score, s, count, total, backup, engine_p = _cohort_block(
                markets, k, c, first, offset, plans, rng, engine, behaviour, key
            )
            parts += got
            blocks.append((k, c, np.arange(first, first + c.count, dtype=np.int64), s))
            types.append(c.applicant_type)
            per.append(
                (
                    np.full(c.count, k), np.full(c.count, len(types) - 1), score, s, count,
                    backup, total,
                )
            )  # fmt: skip
            chances.append(engine_p)
            tau.append(c.tau)
            shift.append(c.shift)
            first += c.count
    n = first

    def joined(i: int, dtype: Any) -> Any:
        return np.concatenate([p[i] for p in per]).astype(dtype) if per else np.zeros(0, dtype)

    # Interview slots: the specialties' programs keep their best invitations first; then the
    # PGY-1 years, asked by second specialties and by supplemental lists alike
    slots = np.concatenate(
        [np.full(mk.size, -1) if mk.slots is None else np.asarray(mk.slots) for mk in markets]
    ).astype(np.int64) if markets else np.zeros(0, np.int64)  # fmt: skip
    years = np.concatenate([np.full(mk.size, mk.pgy1) for mk in markets]) if markets else slots
    parts = _cap(parts, slots, ~years.astype(bool))
    advanced_at = np.concatenate(
        [np.zeros(mk.size, bool) if mk.advanced is None else np.asarray(mk.advanced, bool)
         for mk in markets]
    ) if markets else np.zeros(0, bool)  # fmt: skip
    interviewed = np.zeros(n, dtype=bool)
    for p in parts:
        if p.order == 0 and p.lst == 0:
            interviewed[p.who[advanced_at[p.program]]] = True
    sent = joined(6, np.int32)
    for k, c, who_c, s in blocks:
        parts += _supplemental(
            markets, k, c, who_c, s, interviewed, offset, plans, behaviour, key, sent
        )
    parts = _cap(parts, slots, years.astype(bool))

    def flat(name: str, scalar: bool = False) -> NDArray[np.int64]:
        if not parts:
            return np.zeros(0, dtype=np.int64)
        if scalar:
            return np.concatenate([np.full(p.who.size, getattr(p, name)) for p in parts])
        return np.concatenate([getattr(p, name) for p in parts])

    who, col, program = flat("who"), flat("col"), flat("program")
    order, lst = flat("order", True), flat("lst", True)
    sort = np.lexsort((col, order, lst, who))
    who, program, lst = who[sort], program[sort], lst[sort]
    margin = np.concatenate([p.margin for p in parts])[sort] if parts else np.zeros(0)
    group = who * 2 + lst
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]]) if group.size else group
    cols = np.arange(group.size) - np.repeat(starts, np.diff(np.r_[starts, group.size]))
    primary = lst == 0
    own_entries = primary & (order[sort] == 0)

    def lists(mask: NDArray[np.bool_]) -> IntArray:
        width = int(cols[mask].max(initial=-1)) + 1 or 1
        out = np.full((n, width), -1, dtype=np.int32)
        out[who[mask], cols[mask]] = program[mask]
        return out

    ranks, sup = lists(primary), lists(~primary)
    draw = Draw(
        applicant_ranks=ranks,
        rank_of=np.empty((0, 0), dtype=np.int32),  # set below, once the draw is whole
        capacities=np.concatenate([mk.positions for mk in markets]).astype(np.int32)
        if markets
        else np.zeros(0, np.int32),
        specialty=joined(0, np.int32),
        applicant_type=types,
        cohort=joined(1, np.int32),
        score=joined(2, np.float64),
        strength=joined(3, np.float64),
        applications=joined(4, np.int32),
        sent=sent,
        interviews=np.bincount(who[primary], minlength=n).astype(np.int32),
        own=np.bincount(who[own_entries], minlength=n).astype(np.int32),
        backup=joined(5, np.int32),
        offset=offset,
        sup_ranks=sup,
        sup_rank_of=np.empty((0, 0), dtype=np.int32),
        advanced=advanced_at,
        rows=who,
        cols=cols,
        lists=lst.astype(np.int8),
        programs=program.astype(np.int32),
        noise=crn.normals(crn.key_for(key, crn.NOISE), who, program),
        margin=margin,
        impression=crn.own_normals(crn.key_for(key, crn.IMPRESSION), np.arange(n)),
        engine_p=np.concatenate([x for x in chances if x is not None]) if engine and per else None,
        tau=np.array(tau),
        shift=np.array(shift),
        impression_sd=behaviour.impression,
    )
    draw.rank_of, draw.sup_rank_of = program_ranks(draw, draw.tau, draw.shift, draw.impression_sd)
    return draw
