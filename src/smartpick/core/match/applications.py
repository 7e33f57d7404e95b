"""How applicants apply (core.match.market, item 2 to 5): how many applications each sends
(the type's mean times its multiplier and the applicant's own breadth), to which programs
(an exponential race on the programs' rates raised to the type's temperature), in which cell
(in-state, signals on the best-liked) and which programs invite (the engine's intercepts and
the applicant's strength against the application's own coin). `Behaviour` holds what the
simulated-moments fit sets (core.match.smm)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from scipy.special import expit as fast_expit
from scipy.special import logit as fast_logit

from smartpick.core.match import crn

if TYPE_CHECKING:
    from smartpick.core.match.market import Cohort, SpecialtyMarket

Array = NDArray[np.float64]
IntArray = NDArray[np.int32]
MAX_MEAN = 690.0  # an applicant's mean applications to one market, below Poisson's underflow
BLOCK_RATIO = 1.5  # applicants drawn together have counts within this ratio (`apply`)


@dataclass(frozen=True)
class Behaviour:
    """How applicants apply, beyond the engine's typical list: the simulator's behavioural
    parameters, fitted by simulated moments (core.match.smm), per applicant type.
    `applications`: a multiplier of the engine's typical number of applications (1: the
    engine's); `temperature`: how strongly the programs an applicant applies to follow the
    program's population interview rate for the type (the race's weights are
    rate ** temperature: 1 is the engine's typical list, 0 uniform over the specialty's
    programs). A type absent from either is at 1. `reach`: a program with interview slots
    and fewer invitations than slots fills them with the applications nearest below its bar,
    down to `reach` on the log-odds scale (0: it never goes below its bar). `dispersion`:
    how applicants of a type differ in how many applications they send, the sd of the log of
    each applicant's own multiplier of the type's mean (lognormal, mean 1; 0: Poisson counts
    around the mean alike for all). `impression`: how the applicant comes across at interviews
    alike at every program that interviews them (what no score shows and no program sees
    before it invites), the sd of a normal per applicant added to every program's evaluation
    (core.match.ranking.program_ranks; 0: each program's view of the interview its own)."""

    applications: Mapping[str, float] = field(default_factory=dict)
    temperature: Mapping[str, float] = field(default_factory=dict)
    reach: float = 0.0  # how far below its bar a program with empty interview slots invites
    dispersion: float = 0.0  # sd of the log of an applicant's own breadth
    impression: float = 0.0  # sd of how an applicant comes across alike at every interview

    def multiplier(self, applicant_type: str) -> float:
        return float(self.applications.get(applicant_type, 1.0))

    def heat(self, applicant_type: str) -> float:
        """The race's temperature for the type."""
        return float(self.temperature.get(applicant_type, 1.0))


def apply(
    market: SpecialtyMarket,
    c: Cohort,
    s: Array,
    who: NDArray[np.int64],
    base: int,
    behaviour: Behaviour,
    key: int,
) -> tuple[IntArray, NDArray[np.bool_], IntArray, Array, Array]:
    """Applications of applicants `who` of strength `s` (cohort c's type) to `market` (its
    programs numbered from `base`) and its interviews: (programs chosen, best liked first;
    invited; count sent; intercepts; margin A + S - logit(coin), how far each invitation
    cleared the bar, by which a program with more invitations than interview slots keeps
    its best), padded to the longest list. Every random number is the applicant's and the
    program's own (core.match.crn), so a draw under other behaviour keeps its coins, and
    applicants are drawn in blocks of similar counts (what one draws does not depend on
    the others: the blocks only spare the padding of short lists to the longest)."""
    if c.log_rate is None or c.intercepts is None:
        raise ValueError("the market is not prepared: call core.match.engine_terms.prepare first")
    n, m = s.size, market.size
    mean: float | Array = c.applications * behaviour.multiplier(c.applicant_type)
    if behaviour.dispersion > 0:
        own = crn.breadth(crn.key_for(key, crn.BREADTH), who, behaviour.dispersion)
        mean = np.minimum(mean * own, MAX_MEAN)
    drawn = crn.poisson_counts(crn.key_for(key, crn.COUNT), who, base, mean)
    count: IntArray = np.clip(drawn, 1, m).astype(np.int32)
    kmax = int(count.max(initial=1))
    chosen = np.zeros((n, kmax), dtype=np.int32)
    invited = np.zeros((n, kmax), dtype=bool)
    a = np.zeros((n, kmax))
    margin = np.zeros((n, kmax))
    block = np.floor(np.log(count) / np.log(BLOCK_RATIO)).astype(np.int64)
    for b in np.unique(block):
        rows = np.flatnonzero(block == b)
        k = int(count[rows].max())
        got = _lists(market, c, s[rows], who[rows], count[rows], k, base, behaviour, key)
        chosen[rows, :k], invited[rows, :k], a[rows, :k], margin[rows, :k] = got
    return chosen, invited, count, a, margin


def _lists(
    market: SpecialtyMarket,
    c: Cohort,
    s: Array,
    who: NDArray[np.int64],
    count: IntArray,
    kmax: int,
    base: int,
    behaviour: Behaviour,
    key: int,
) -> tuple[IntArray, NDArray[np.bool_], Array, Array]:
    """`apply` for applicants whose counts are at most `kmax`."""
    assert c.log_rate is not None and c.intercepts is not None
    n, m = s.size, market.size
    # Gumbel top-k as an exponential race: E / w ranks programs as log w + Gumbel does
    # (E ~ Exp(1)), smallest first; single precision halves the work, ties are negligible.
    programs = np.arange(base, base + m, dtype=np.int64)
    log_weight = behaviour.heat(c.applicant_type) * c.log_rate
    chosen = crn.race_top(crn.key_for(key, crn.RACE), who, programs, log_weight, kmax)
    # Cells of each application: in-state, and signals on the best-liked programs
    tiers = list(market.signal_share)
    w_in = market.in_state_share if c.in_state_share is None else c.in_state_share
    at = chosen.astype(np.int64) + base
    cell = (crn.uniforms(crn.key_for(key, crn.IN_STATE), who, at) < w_in).astype(np.int64)
    cell *= 1 + len(tiers)
    start = np.zeros(n, dtype=np.int64)
    position = np.arange(kmax)[None, :]
    for i, t in enumerate(tiers, start=1):
        limit = market.signal_limit.get(t, 0)
        k = np.minimum(np.rint(market.signal_share[t] * count).astype(np.int64), limit)
        cell += np.where((position >= start[:, None]) & (position < (start + k)[:, None]), i, 0)
        start += k
    a = c.intercepts[cell, chosen]
    sent = position < count[:, None]
    coin = crn.uniforms(crn.key_for(key, crn.INVITE), who, at)
    invited = (coin < fast_expit(a + s[:, None])) & sent  # scipy's: ulps from core.model's
    margin = a + s[:, None] - fast_logit(coin)
    if market.slots is not None and behaviour.reach > 0:  # candidates for empty slots too
        invited |= sent & (margin > -behaviour.reach)
    return chosen.astype(np.int32), invited, a, margin
