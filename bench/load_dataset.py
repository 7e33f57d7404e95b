"""How long the shipped dataset takes to read, and to load into a fresh store.

Run: .venv/bin/python bench/load_dataset.py [--repeat N] [--database-url URL]
Prints the median and the spread of each step; record the figures in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from smartpick.data import load_dataset
from smartpick.store import open_store
from smartpick.store.schema import metadata


def timed(step: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: a temporary SQLite)")
    args = parser.parse_args()

    def read() -> object:
        ds = load_dataset()
        return ds.specialties(), ds.programs()

    with tempfile.TemporaryDirectory() as tmp:

        def first_use() -> object:
            url = args.database_url or f"sqlite:///{Path(tmp) / f'{time.time_ns()}.db'}"
            store = open_store(url)
            ds = load_dataset()
            store.load_dataset(ds.version, ds.specialties(), ds.programs())
            count = store.count_programs()
            if args.database_url:
                with store.engine.begin() as conn:
                    metadata.drop_all(conn)
            store.close()
            return count

        results = {
            "read the dataset files": timed(read, args.repeat),
            "first use: migrate + load into a new store": timed(first_use, args.repeat),
        }
    store = "PostgreSQL" if args.database_url else "SQLite"
    print(f"machine: {platform.machine()}, Python {platform.python_version()}, store: {store}")
    for name, times in results.items():
        median, low, high = (1000 * x for x in (statistics.median(times), min(times), max(times)))
        print(
            f"{name:<46} median {median:7.1f} ms  min {low:7.1f}  max {high:7.1f}  n={len(times)}"
        )


if __name__ == "__main__":
    main()
