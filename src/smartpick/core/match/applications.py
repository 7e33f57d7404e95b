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

import numba
import numpy as np
from numpy.typing import NDArray

from smartpick.core.match import crn
from smartpick.core.match.crn import _jit_rows, mix

if TYPE_CHECKING:
    from smartpick.core.match.market import Cohort, SpecialtyMarket

Array = NDArray[np.float64]
IntArray = NDArray[np.int32]
MAX_MEAN = 690.0  # an applicant's mean applications to one market, below Poisson's underflow


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
    what one applicant draws does not depend on the others."""
    if c.log_rate is None or c.intercepts is None:
        raise ValueError("the market is not prepared: call core.match.engine_terms.prepare first")
    n, m = s.size, market.size
    mean: float | Array = c.applications * behaviour.multiplier(c.applicant_type)
    if behaviour.dispersion > 0:
        own = crn.breadth(crn.key_for(key, crn.BREADTH), who, behaviour.dispersion)
        mean = np.minimum(mean * own, MAX_MEAN)
    drawn = crn.poisson_counts(crn.key_for(key, crn.COUNT), who, base, mean)
    count: IntArray = np.clip(drawn, 1, m).astype(np.int32)
    chosen = crn.race_top(
        crn.key_for(key, crn.RACE),
        who,
        np.arange(base, base + m, dtype=np.int64),
        behaviour.heat(c.applicant_type) * c.log_rate,
        count,
    )
    # Cells of each application: in-state, and signals on the best-liked programs
    signals = np.zeros((n, len(market.signal_share)), dtype=np.int64)
    for i, (t, share) in enumerate(market.signal_share.items()):
        signals[:, i] = np.minimum(np.rint(share * count), market.signal_limit.get(t, 0))
    in_state = market.in_state_share if c.in_state_share is None else c.in_state_share
    reach = behaviour.reach if market.slots is not None else 0.0
    invited, a, margin = _invitations(
        crn.key_for(key, crn.IN_STATE),
        crn.key_for(key, crn.INVITE),
        who,
        chosen,
        base,
        in_state,
        signals,
        c.intercepts,
        s,
        reach,
    )
    return np.where(chosen >= 0, chosen, 0).astype(np.int32), invited, count, a, margin


@_jit_rows
def _invitations(
    in_state_key: np.uint64,
    invite_key: np.uint64,
    who: NDArray[np.int64],
    chosen: NDArray[np.int64],
    base: int,
    in_state: float,
    signals: NDArray[np.int64],
    intercepts: Array,
    s: Array,
    reach: float,
) -> tuple[NDArray[np.bool_], Array, Array]:
    """Each application's cell (in-state by its coin; the first `signals[:, t]` after the
    earlier tiers' carry tier t's signal), its intercept A, whether the program invites
    (its coin below expit(A + S)) and the margin A + S - logit(coin); a program with empty
    slots (`reach` > 0) invites down to a margin of -reach too. Positions past a row's count
    (chosen -1) are not sent: 0 and not invited."""
    n, kmax = chosen.shape
    tiers = signals.shape[1]
    invited = np.zeros((n, kmax), dtype=np.bool_)
    a = np.zeros((n, kmax))
    margin = np.zeros((n, kmax))
    for i in numba.prange(n):
        for p in range(kmax):
            j = chosen[i, p]
            if j < 0:
                break
            at = np.int64(j + base)
            cell = (1 + tiers) if mix(in_state_key, who[i], at) < in_state else 0
            start = 0
            for t in range(tiers):
                if start <= p < start + signals[i, t]:
                    cell += t + 1
                start += signals[i, t]
            a[i, p] = intercepts[cell, j]
            x = a[i, p] + s[i]
            coin = mix(invite_key, who[i], at)
            margin[i, p] = x - np.log(coin / (1.0 - coin))
            invited[i, p] = coin < 1.0 / (1.0 + np.exp(-x)) or (reach > 0 and margin[i, p] > -reach)
    return invited, a, margin
