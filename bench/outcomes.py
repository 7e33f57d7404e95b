"""Speed of the closed-form outcome quantities (core.model.outcomes) for one applicant.

Run: .venv/bin/python bench/outcomes.py
Record the printed figures in docs/benchmarks.md with the machine and date.
"""

from __future__ import annotations

import platform
import statistics
import time

import numpy as np

from smartpick.core.model.outcomes import normal_nodes, outcomes


def median_ms(nodes: int, programs: int, repeat: int = 30) -> float:
    rng = np.random.default_rng(0)
    _, w = normal_nodes(nodes)
    p = rng.uniform(0, 1, (nodes, programs))
    q = rng.uniform(0, 1, (nodes, programs))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        outcomes(w, p, q)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    for nodes, programs in ((20, 30), (20, 100), (20, 300), (40, 100)):
        ms = median_ms(nodes, programs)
        print(f"Q={nodes:<3} list of {programs:<4} programs: median {ms:7.2f} ms")


if __name__ == "__main__":
    main()
