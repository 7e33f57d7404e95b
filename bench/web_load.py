"""Load on the running web app: distinct profiles at a steady rate, from a client in its own
process; reports throughput, p50/p95/p99 latency, errors and the client's own CPU.

Run: .venv/bin/python bench/web_load.py --rate 10 --seconds 30 [--workers 2]
It starts `smartpick serve` on a free loopback port (a throwaway SQLite file), warms it with
one request, then sends requests open-loop at the rate (each at its scheduled time, whatever
the earlier ones are doing). Record the printed figures in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

SPECIALTIES = [
    "psychiatry",
    "family_medicine",
    "internal_medicine",
    "pediatrics",
    "neurology",
    "general_surgery",
    "obstetrics_gynecology",
    "emergency_medicine",
]
TYPES = ["md", "do", "non-us-img"]
STATES = ["OH", "NY", "CA", "TX", "PA", "FL", "IL", "MI"]


def profiles(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = set()
    while len(out) < count:
        out.add(
            f"/plan?specialty={rng.choice(SPECIALTIES)}&applicant_type={rng.choice(TYPES)}"
            f"&step2={rng.randint(225, 265)}&school_state={rng.choice(STATES)}"
        )
    return sorted(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--settle", type=float, default=10.0, help="seconds to wait after the first answer"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = Path(tempfile.mkdtemp()) / "load.db"
    # One client sends everything: the per-client rate limit is raised for the benchmark.
    env = {**os.environ, "SMARTPICK_DB_PATH": str(db), "SMARTPICK_RATE_LIMIT": "1000000"}
    smartpick = Path(sys.executable).with_name("smartpick")
    server = subprocess.Popen(
        [str(smartpick), "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(200):
                try:
                    client.get("/how-it-works")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            # Every worker warms its engine and opens its store before it takes requests; the
            # first to answer does not mean the others are ready: let them finish.
            time.sleep(args.settle)
            total = int(args.rate * args.seconds)
            paths = profiles(max(total, 100), args.seed)[:total]
            specs = {p.split("specialty=")[1].split("&")[0] for p in paths}
            latencies: list[float] = []
            errors = 0
            start = time.perf_counter() + 0.5
            cpu0 = resource.getrusage(resource.RUSAGE_SELF)

            def hit(i: int) -> tuple[float, int]:
                delay = start + i / args.rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                t = time.perf_counter()
                status = client.get(paths[i]).status_code
                return 1000 * (time.perf_counter() - t), status

            with concurrent.futures.ThreadPoolExecutor(max_workers=64) as pool:
                for ms, status in pool.map(hit, range(total)):
                    latencies.append(ms)
                    errors += status != 200
            elapsed = time.perf_counter() - start
            cpu1 = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        q = statistics.quantiles(latencies, n=100)
        print(
            f"{total} requests, {len(set(paths))} distinct profiles in {len(specs)} "
            f"specialties, {args.workers} workers, target {args.rate:g}/s"
        )
        print(
            f"throughput {total / elapsed:.1f}/s; p50 {q[49]:.0f} ms, p95 {q[94]:.0f} ms, "
            f"p99 {q[98]:.0f} ms; errors {errors}; client CPU {cpu / elapsed:.0%} of a core"
        )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
