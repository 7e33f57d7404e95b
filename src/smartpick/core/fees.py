"""What applications cost: tiered fees per program that reset for each specialty.

A schedule is a list of tiers (from count, to count or open, amount, unit): `per_program`
charges the amount for each program in the tier's range, `flat` charges it once when the
count reaches the tier. ERAS 2026: $11 for each of the first 30 programs of a specialty,
$30 for each from the 31st; ResidencyCAS 2026: $99 up to 18 programs, $18 each to 30, $23
each after (fees.csv).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Tier:
    first: int
    last: int | None  # None: no upper end
    amount: float
    unit: str  # "per_program" or "flat"


def cost(schedule: Sequence[Tier], count: int) -> float:
    """The fee for `count` programs in one specialty."""
    if count < 0:
        raise ValueError("a count of programs is never negative")
    total = 0.0
    for tier in schedule:
        if count < tier.first:
            continue
        top = count if tier.last is None else min(count, tier.last)
        if tier.unit == "flat":
            total += tier.amount
        else:
            total += tier.amount * (top - tier.first + 1)
    return total


def total_cost(schedule: Sequence[Tier], counts: Iterable[int]) -> float:
    """The fee for several specialties: the tiers start again for each one."""
    return sum(cost(schedule, n) for n in counts)


def most_programs(schedule: Sequence[Tier], budget: float, limit: int) -> int:
    """The most programs of one specialty the budget pays for (at most `limit`)."""
    best = 0
    for n in range(1, limit + 1):
        if cost(schedule, n) > budget + 1e-9:
            break
        best = n
    return best


@dataclass(frozen=True)
class Assistance:
    """A fee discount: the applicant pays `share_paid` of each fee for the first `covered`
    applications, counted over all specialties, and the full fee after them."""

    share_paid: float
    covered: int

    def schedule(self, base: Sequence[Tier], before: int = 0) -> list[Tier]:
        """The tiers of one specialty when `before` covered applications went to specialties
        counted earlier: each tier split where the discount ends."""
        left = max(self.covered - before, 0)
        out: list[Tier] = []
        for t in base:
            if t.unit == "flat" or left < t.first:
                share = self.share_paid if t.first <= left else 1.0
                out.append(Tier(t.first, t.last, t.amount * share, t.unit))
                continue
            split = left if t.last is None else min(left, t.last)
            out.append(Tier(t.first, split, t.amount * self.share_paid, t.unit))
            if t.last is None or split < t.last:
                out.append(Tier(split + 1, t.last, t.amount, t.unit))
        return out
