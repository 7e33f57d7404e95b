"""The application list optimizer of METHODS §2: which programs, how many, where to signal.

Each program j, if applied to, is "won" with probability f_j (interviewed and ranked high
enough); the applicant ends up at the best program won. With utilities t_j > t_0 = 0 (all 1
when the goal is only to match), the value of a list X is

    v(X) = sum_{j in X} t_j f_j prod_{i in X, t_i > t_j} (1 - f_i).

- `greedy`: Kapur & Hong's Algorithm 1 (arXiv:2205.01869), exact for equal costs, and nested:
  its first h picks are an optimal list of h for every h at once.
- `signal_dp`: the exact dynamic program over programs sorted by t, with states (applications
  used, signals of each tier used), for signals chosen jointly with the list.
- `mixture_greedy`: under correlated strength (f at Q quadrature nodes with weights w), greedy
  on exact marginal gains, with the certificate bound sum_q w_q OPT_q >= OPT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def value(f: Array, t: Array, chosen: Sequence[int], t0: float = 0.0) -> float:
    """v(X) for independent programs, by the closed form (ties in t in any order); `t0` is the
    value of going unmatched."""
    order = sorted(chosen, key=lambda j: -t[j])
    total, none_better = 0.0, 1.0
    for j in order:
        total += none_better * f[j] * t[j]
        none_better *= 1.0 - f[j]
    return total + none_better * t0


def mixture_value(w: Array, f: Array, t: Array, chosen: Sequence[int]) -> float:
    """E over nodes of v(X): f is (Q, m)."""
    return float(sum(wq * value(fq, t, chosen) for wq, fq in zip(w, f, strict=True)))


@dataclass(frozen=True)
class Greedy:
    order: list[int]  # programs in the order picked
    values: Array  # values[h - 1]: the value of the first h picks


def greedy(f: Array, t: Array, h: int, t0: float = 0.0) -> Greedy:
    """Kapur-Hong Algorithm 1: O(h m). Exact and nested for equal costs. Utilities are taken
    relative to `t0` (going unmatched), so adding a constant to every utility and to t0
    changes no choice."""
    order, values = _greedy_nodes(np.ones(1), f[None, :], t - t0, h)
    return Greedy(order, values + t0)


def _greedy_nodes(w: Array, f: Array, t: Array, h: int) -> tuple[list[int], Array]:
    """Greedy on exact marginal gains over strength nodes (one node: Kapur-Hong).

    At each node the elimination transform is kept: after picking k, programs worth less than
    k keep (1 - f_k) of their value and programs worth more lose f_k t_k (the order of the
    utilities is preserved), so gain_j = sum_q w_q f_qj tbar_qj is exact. O(h m Q)."""
    q_nodes, m = f.shape
    h = min(h, m)
    tbar = np.tile(t.astype(np.float64), (q_nodes, 1))
    free = np.ones(m, dtype=bool)
    order: list[int] = []
    values = np.zeros(h)
    total = 0.0
    for step in range(h):
        gain = np.where(free, w @ (f * tbar), -np.inf)
        k = int(np.argmax(gain))
        total += float(gain[k])
        order.append(k)
        values[step] = total
        free[k] = False
        below = t <= t[k]
        fk = f[:, k : k + 1]
        tbar = np.where(below[None, :], (1.0 - fk) * tbar, tbar - fk * tbar[:, k : k + 1])
    return order, values


@dataclass(frozen=True)
class SignalPlan:
    """The solved program: the best value for every budget, and the lists behind them."""

    surface: Array  # surface[h, s1, s2]: the best value with at most h applications, s signals
    decisions: NDArray[np.int8]  # decisions[step, h, s1, s2]: 0 skip, 1 + option
    order: NDArray[np.int64]  # programs in the order the program took them (increasing t)

    def at(self, h: int, caps: Sequence[int] = ()) -> tuple[list[int], dict[int, int], float]:
        """(programs applied to, their signal tiers, value) for at most h applications and
        the given signals of each tier (default: all)."""
        _, k1, k2 = (d - 1 for d in self.surface.shape)
        s1 = caps[0] if len(caps) > 0 else k1
        s2 = caps[1] if len(caps) > 1 else k2
        best = float(self.surface[h, s1, s2])
        chosen: list[int] = []
        signals: dict[int, int] = {}
        for step in range(self.order.size - 1, -1, -1):
            d = int(self.decisions[step, h, s1, s2])
            if d == 0:
                continue
            j, o = int(self.order[step]), d - 1
            chosen.append(j)
            if o > 0:
                signals[j] = o
            h -= 1
            s1 -= 1 if o == 1 else 0
            s2 -= 1 if o == 2 else 0
        return chosen, signals, best

    def choices(self) -> NDArray[np.int8]:
        """For every budget h = 0..H (all signals available), each program's choice in the
        best list: 0 not applied to, 1 no signal, 1 + o a signal of tier o. Traced back for
        every budget at once: shape (H + 1, programs)."""
        big, k1, k2 = (d - 1 for d in self.surface.shape)
        budgets = np.arange(big + 1)
        h = budgets.copy()
        s1 = np.full(big + 1, k1)
        s2 = np.full(big + 1, k2)
        out = np.zeros((big + 1, self.order.size), dtype=np.int8)
        for step in range(self.order.size - 1, -1, -1):
            d = self.decisions[step, h, s1, s2]
            out[budgets, self.order[step]] = d
            taken = d > 0
            h = h - taken
            s1 = s1 - (d == 2)
            s2 = s2 - (d == 3)
        return out


def candidates(options: Array, limit: int) -> NDArray[np.int64]:
    """The programs an optimal list of at most `limit` can need when every program is worth
    the same (value 1 - prod(1 - f)): for each option, the `limit` programs with the best
    chance under it. If a list used a program outside that set with some option, one inside
    it, not on the list, has at least as good a chance under that option and takes its place."""
    keep: set[int] = set()
    for column in options.T:
        keep.update(np.argsort(-column, kind="stable")[:limit].tolist())
    return np.array(sorted(keep), dtype=np.int64)


def signal_dp(t: Array, options: Array, applications: int, caps: Sequence[int]) -> SignalPlan:
    """Exact joint choice of applications and signals for independent programs.

    `options[j, o]` is f_j with option o: 0 no signal, 1.. a signal of tier o; `caps[o - 1]`
    is how many signals of tier o may be sent (at most two tiers). States (h, s1, s2) hold the
    best value of the programs seen so far; programs enter in increasing t, where
    v(Y + j) = (1 - f_j) v(Y) + f_j t_j holds. O(m H K1 K2) time; one run gives every budget.
    """
    m, n_options = options.shape
    tiers = n_options - 1
    if tiers > 2 or len(caps) != tiers:
        raise ValueError("one option per tier (at most two) and one cap per tier")
    k1 = caps[0] if tiers >= 1 else 0
    k2 = caps[1] if tiers >= 2 else 0
    big = applications
    order = np.argsort(t, kind="stable")
    table = np.zeros((big + 1, k1 + 1, k2 + 1))
    decisions = np.zeros((m, big + 1, k1 + 1, k2 + 1), dtype=np.int8)
    for step, j in enumerate(order):
        best = table.copy()
        choice = np.zeros(table.shape, dtype=np.int8)
        for o in range(n_options):
            f = options[j, o]
            cand = np.full_like(table, -np.inf)
            d1, d2 = (1 if o == 1 else 0), (1 if o == 2 else 0)
            cand[1:, d1:, d2:] = (1 - f) * table[:-1, : k1 + 1 - d1, : k2 + 1 - d2] + f * t[j]
            better = cand > best + 1e-15
            best = np.where(better, cand, best)
            choice = np.where(better, o + 1, choice).astype(np.int8)
        table = best
        decisions[step] = choice
    return SignalPlan(table, decisions, order.astype(np.int64))


@dataclass(frozen=True)
class MixtureGreedy:
    order: list[int]
    values: Array  # the mixture value of the first h picks
    bounds: Array  # sum_q w_q OPT_q(h): an upper bound on the optimum of each size

    @property
    def gaps(self) -> Array:
        """The certified relative gap to the optimum, for each size."""
        with np.errstate(invalid="ignore", divide="ignore"):
            gap = 1.0 - self.values / self.bounds
        return np.nan_to_num(gap, nan=0.0)


def mixture_greedy(w: Array, f: Array, t: Array, h: int) -> MixtureGreedy:
    """Greedy on exact marginal gains under correlation (f is (Q, m)), with the certificate:
    the optimum of each size is at most sum_q w_q OPT_q, each node's own exact optimum."""
    order, values = _greedy_nodes(w, f, t, h)
    bounds = np.zeros(len(order))
    for wq, fq in zip(w, f, strict=True):
        bounds += wq * greedy(fq, t, len(order)).values
    return MixtureGreedy(order, values, bounds)
