"""Replications on a Dask cluster (the optional extra smartpick[distributed]).

The workers receive the task, the market (programs, positions, cohort parameters:
simulation inputs only) and the seeds; nothing about any applicant who uses SmartPick.
Results come back in replication order, so a seed gives the same results here as in-process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from smartpick.errors import InputError

M = TypeVar("M")  # the market
S = TypeVar("S")  # one replication's random stream
R = TypeVar("R")  # one replication's result


def run_on_cluster(
    task: Callable[[M, S], R],
    market: M,
    streams: Sequence[S],
    scheduler: str,
    progress: Callable[[int], None] | None,
) -> list[R]:
    """The same replications on a Dask cluster. The workers receive the market (programs,
    positions, cohort parameters: simulation inputs only) and the seeds, nothing about any
    applicant who uses SmartPick."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InputError(
            "running on a cluster needs Dask's distributed package",
            field="scheduler",
            hint="Install it with: pip install 'smartpick[distributed]'",
        ) from None
    try:
        client = Client(scheduler, timeout=10)
    except (OSError, TimeoutError) as exc:
        raise InputError(
            f"cannot reach the Dask scheduler at {scheduler}: {exc}",
            field="scheduler",
            hint="Check the address (tcp://host:8786) and that the scheduler is running.",
        ) from None
    with client:
        shared = client.scatter(market, broadcast=True)
        futures = [client.submit(task, shared, s, pure=False) for s in streams]
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[R | None] = [None] * len(futures)
        for future in as_completed(futures):
            results[index[future.key]] = future.result()
            if progress is not None:
                progress(1)
    return [r for r in results if r is not None]
