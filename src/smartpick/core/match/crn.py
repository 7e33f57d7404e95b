"""Common random numbers for the drawn market: every random number that belongs to an
applicant and a program (the exponential race that chooses where to apply, whether the
application is in-state, whether the program invites, the program's own view eta) is a hash of
the draw's key, its purpose, the applicant and the program, and each applicant's own numbers
(how many applications) a hash of the applicant and the market.

So a market drawn again under other behavioural parameters (more applications, a race that
follows the population rates less) keeps every coin it shares with the first draw: an
applicant who applies to a program in both draws is invited in both or in neither. The
simulated-moments fit (core.match.smm) then sees a distance that moves with the parameters,
not with the random stream (METHODS §3.6). The hash is splitmix64's finalizer, compiled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numba
import numpy as np
from numpy.typing import NDArray
from scipy.special import ndtri

from smartpick.core.match.acceptance import _jit

Array = NDArray[np.float64]
Ints = NDArray[np.int64]
F = TypeVar("F", bound=Callable[..., object])


def _jit_rows(func: F) -> F:
    """`_jit` over the rows of a table in parallel (each row its own: the same numbers on any
    number of threads). The compiled function holds the GIL, so Python threads (a Dask
    worker's) take turns at it, as numba's default threading layer requires, each turn on
    every core."""
    return _jit(func, parallel=True)


# Purposes: one stream each, so the same (applicant, program) gets independent numbers
RACE, IN_STATE, INVITE, NOISE, COUNT, BREADTH, IMPRESSION = 1, 2, 3, 4, 5, 6, 7
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def key_for(base: int, purpose: int) -> np.uint64:
    """The stream of one purpose within a draw whose key is `base`."""
    return np.uint64((base ^ (purpose * 0xD1B54A32D192ED03)) & 0xFFFFFFFFFFFFFFFF)


@_jit
def mix(key: np.uint64, a: np.int64, b: np.int64) -> float:
    """The uniform in (0, 1) of pair (a, b) in the stream `key` (compiled code only)."""
    x = key ^ (np.uint64(a) * np.uint64(0x9E3779B97F4A7C15))
    x ^= np.uint64(b) * np.uint64(0xC2B2AE3D27D4EB4F)
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return (float(x >> np.uint64(11)) + 0.5) * 2.0**-53  # in (0, 1), never 0 or 1


@_jit
def _earliest(times: NDArray[np.float32], positions: Ints, k: int, out: Ints) -> None:
    """Write into `out[:k]` the positions of the k smallest `times`, earliest first, equal
    times in the order given."""
    c = times.size
    last = np.partition(times, k - 1)[k - 1] if k < c else np.float32(np.inf)
    first = np.empty(k, dtype=np.int64)
    n = 0
    for j in range(c):  # every time before the k-th, then the k-th's ties in order
        if times[j] < last:
            first[n] = j
            n += 1
    for j in range(c):
        if n == k:
            break
        if times[j] == last:
            first[n] = j
            n += 1
    order = np.argsort(times[first], kind="mergesort")
    for t in range(k):
        out[t] = positions[first[order[t]]]


@_jit
def _level(k: int) -> int:
    """Rows whose counts are within a factor 1.5 share a bound (`_race_top`)."""
    return int(np.floor(np.log(k) / np.log(1.5)))


@_jit_rows
def _race_top(
    key: np.uint64, rows: Ints, cols: Ints, scale: NDArray[np.float32], counts: Ints
) -> Ints:
    n, m = rows.size, cols.size
    kmax = counts.max()
    out = np.full((n, kmax), -1, dtype=np.int64)
    everyone = np.arange(m)
    # Every row's times have one distribution: the first rows, raced whole, bound the k-th
    # time for every k, and the rows of a level race against the bound of its largest count
    head = min(n, 4)
    kth = np.zeros(m, dtype=np.float32)
    times = np.empty(m, dtype=np.float32)
    for i in range(head):
        for j in range(m):
            times[j] = -np.log(mix(key, rows[i], cols[j])) * scale[j]
        _earliest(times, everyone, counts[i], out[i])
        kth = np.maximum(kth, np.sort(times))
    top = np.zeros(_level(kmax) + 1, dtype=np.int64)
    for i in range(n):
        g = _level(counts[i])
        top[g] = max(top[g], counts[i])
    bound = np.full(top.size, np.inf, dtype=np.float32)
    threshold = np.zeros((top.size, m))
    for g in range(top.size):
        if 0 < top[g] < m:
            bound[g] = np.float32(1.5 * kth[top[g] - 1])
            # a uniform below its program's threshold arrives after the bound (with a margin
            # for rounding): it cannot be among the k earliest of a row with k arrivals within
            threshold[g] = np.exp(-(np.float64(bound[g]) * (1.0 + 1e-5)) / scale.astype(np.float64))
    for i in numba.prange(head, n):
        k, g = counts[i], _level(counts[i])
        u = np.empty(m, dtype=np.float64)
        for j in range(m):
            u[j] = mix(key, rows[i], cols[j])
        positions = np.empty(m, dtype=np.int64)
        near = np.empty(m, dtype=np.float32)
        c = 0
        for j in range(m):
            if u[j] >= threshold[g, j]:
                t = np.float32(-np.log(u[j]) * scale[j])
                if t <= bound[g]:
                    positions[c] = j
                    near[c] = t
                    c += 1
        if c >= k:
            _earliest(near[:c], positions[:c], k, out[i])
        else:  # fewer than k within the bound: the whole race
            for j in range(m):
                near[j] = -np.log(u[j]) * scale[j]
            _earliest(near, everyone, k, out[i])
    return out


@_jit
def _at(key: np.uint64, rows: Ints, cols: Ints) -> Array:
    out = np.empty(cols.shape, dtype=np.float64)
    n, k = cols.shape
    for i in range(n):
        for j in range(k):
            out[i, j] = mix(key, rows[i], cols[i, j])
    return out


def race_top(
    key: np.uint64,
    rows: Ints,
    programs: Ints,
    log_weight: Array,
    counts: int | NDArray[np.integer[Any]],
) -> Ints:
    """(rows, the largest count): the positions among `programs` of each row's k earliest
    arrivals in an exponential race, earliest first, k its count (one for all or each row's
    own, at most the programs), then -1. Arrival times are E / w (E ~ Exp(1) per applicant and
    program, w = exp(log_weight) the program's weight), so the k are a draw of k programs
    without replacement with chances rising with w (the Gumbel top-k trick), and a row's k
    earliest are the first k of its k + 1 earliest. Times are in single precision; equal ones,
    which that makes rare, go in the programs' order. The table of times is never kept
    whole: each row is made and chosen from on its own, and only the times that can be among
    its k earliest are computed (a bound from the first rows; a row with fewer than k
    arrivals within it raced whole): the same k as a full race."""
    programs = np.ascontiguousarray(programs, np.int64)
    rows = np.ascontiguousarray(rows, np.int64)
    k = np.clip(np.broadcast_to(np.asarray(counts, dtype=np.int64), rows.shape), 1, programs.size)
    if rows.size == 0:
        return np.zeros((0, int(k.max(initial=1))), dtype=np.int64)
    scale = np.exp(-np.asarray(log_weight, dtype=np.float64)).astype(np.float32)
    return _race_top(key, rows, programs, scale, np.ascontiguousarray(k))


def uniforms(key: np.uint64, rows: Ints, programs: Ints) -> Array:
    """Uniforms in (0, 1) of each (applicant, program) pair: rows (n,), programs (n, k)."""
    return _at(key, np.ascontiguousarray(rows, np.int64), np.ascontiguousarray(programs, np.int64))


def normals(key: np.uint64, rows: Ints, programs: Ints) -> Array:
    """Standard normals of (applicant, program) pairs given flat: rows (n,), programs (n,)."""
    return np.asarray(ndtri(uniforms(key, rows, np.asarray(programs)[:, None])[:, 0]))


@_jit
def _poisson(u: Array, means: Array) -> Ints:
    out = np.empty(u.size, dtype=np.int64)
    for i in range(u.size):
        mean = means[i]
        k, p = 0, np.exp(-mean)
        cdf = p
        while u[i] > cdf and k < 100_000:
            k += 1
            p *= mean / k
            cdf += p
            if p < 1e-300 and k > mean:  # the tail's mass is below double precision
                break
        out[i] = k
    return out


def poisson_counts(
    key: np.uint64, rows: Ints, market: int, mean: float | Array
) -> NDArray[np.int64]:
    """A Poisson count per applicant (of `mean`, one for all or one each) by inversion of its
    own uniform: a larger mean never gives an applicant fewer (means up to about 700, where
    exp(-mean) underflows)."""
    n = np.asarray(rows).size
    means = np.broadcast_to(np.asarray(mean, dtype=np.float64), (n,))
    if n and not (means.min() >= 0 and means.max() < 700):
        raise ValueError(f"a mean of {means.max()} applications is out of range (0 to 700)")
    u = uniforms(key, rows, np.full((n, 1), market, dtype=np.int64))[:, 0]
    return _poisson(u, np.ascontiguousarray(means))


def breadth(key: np.uint64, rows: Ints, dispersion: float) -> Array:
    """Each applicant's own breadth: a lognormal multiplier of mean 1 whose log has sd
    `dispersion`, the same in every market the applicant applies to (one normal per
    applicant), so an applicant who applies broadly does so everywhere."""
    z = own_normals(key, rows)
    return np.asarray(np.exp(dispersion * z - dispersion**2 / 2))


def own_normals(key: np.uint64, rows: Ints) -> Array:
    """One standard normal per applicant (not per program): what is the applicant's own in
    every market."""
    rows = np.ascontiguousarray(rows, np.int64)
    return normals(key, rows, np.zeros(rows.size, dtype=np.int64))
