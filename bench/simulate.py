"""Speed of the national Match simulator: building the market from the dataset, drawing one
market (applicants, lists, signals, interviews, both sides' rankings), the Match itself
(deferred acceptance), and one full replication; and ranking a drawn market again under other
parameters (one evaluation of the simulated-moments fit, per market).

Run: .venv/bin/python bench/simulate.py [--runs 7]
Record the printed figures in docs/benchmarks.md with the machine and date.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import time

import numpy as np

from smartpick.core.match.market import program_ranks
from smartpick.core.match.national import match
from smartpick.services import Services
from smartpick.services.simulate import build_market, current_market_fit, run_once, seeds
from smartpick.settings import load_config


def ms(times: list[float]) -> str:
    return f"median {statistics.median(times) * 1000:.0f} ms (min {min(times) * 1000:.0f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {dt.date.today()}"
    )
    services = Services(load_config({}))
    start = time.perf_counter()
    market = build_market(services, current_market_fit(services))
    print(f"build the market: {(time.perf_counter() - start) * 1000:.0f} ms (once per session)")
    print(
        f"market: {market.applicants:,} applicants, "
        f"{sum(m.size for m in market.specialties):,} programs, {market.positions:,} positions"
    )
    run_once(market, seeds(0, 1)[0])  # compile (or load) the Match before timing
    draws, matches, totals, reranks = [], [], [], []
    interviews = 0
    for s in seeds(1, runs):
        t0 = time.perf_counter()
        draw = market.draw(np.random.default_rng(s))
        t1 = time.perf_counter()
        match(draw)
        t2 = time.perf_counter()
        tau = np.full(len(draw.applicant_type), 1.3)
        shift = np.zeros(len(draw.applicant_type))
        match(draw, *program_ranks(draw, tau, shift, draw.impression_sd))
        t3 = time.perf_counter()
        draws.append(t1 - t0)
        matches.append(t2 - t1)
        reranks.append(t3 - t2)
        interviews = int(draw.interviews.sum())
        t4 = time.perf_counter()
        run_once(market, s)
        totals.append(time.perf_counter() - t4)
    print(f"interviews in a market: {interviews:,}")
    print(f"draw one market: {ms(draws)}")
    print(f"the Match (deferred acceptance with supplemental lists): {ms(matches)}")
    print(f"one full replication (draw + Match + SOAP + counts): {ms(totals)}")
    print(f"rank again + Match (one fit evaluation per market): {ms(reranks)}")


if __name__ == "__main__":
    main()
