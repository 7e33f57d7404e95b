"""Speed of `smartpick plan` for one profile: the optimized list with signals, the curve of
chance and cost for every number of applications, the reasons and the interval.

Run: .venv/bin/python bench/plan.py
Record the printed figures in docs/benchmarks.md with the machine and date.
"""

from __future__ import annotations

import platform
import statistics
import time

import numpy as np

from smartpick.core.model.evaluation import Draw
from smartpick.core.plan.optimize import candidates, mixture_greedy, signal_dp
from smartpick.core.profile import Profile
from smartpick.services import Services
from smartpick.services.context import build_context
from smartpick.services.plan import plan_report as remembered_plan
from smartpick.settings import load_config

# The computation itself: the session keeps its answers by their inputs (services.memo), so a
# second call with the same inputs would time the lookup, not the plan.
plan_report = remembered_plan.__wrapped__  # type: ignore[attr-defined]


def main() -> None:
    services = Services(load_config({}))
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    for key, kind in (
        ("family_medicine", "md"),
        ("dermatology", "md"),
        ("internal_medicine", "non-us-img"),
    ):
        profile = Profile(specialty=key, applicant_type=kind, step2=245, school_state="NY")
        for signals in ("auto", "none"):
            plan_report(services, profile, signals=signals)  # warm the session's caches
            times = []
            for _ in range(5):
                start = time.perf_counter()
                report = plan_report(services, profile, signals=signals)
                times.append(1000 * (time.perf_counter() - start))
            print(
                f"{key:<18} {kind:<10} signals {signals:<4}: median "
                f"{statistics.median(times):7.1f} ms ({len(report.curve)} sizes, "
                f"{report.applications} recommended)"
            )
    optimizer_alone(services)
    profile = Profile(specialty="family_medicine", applicant_type="md", step2=245)
    remembered_plan(services, profile)
    start = time.perf_counter()
    remembered_plan(services, profile)
    again = 1000 * (time.perf_counter() - start)
    print(f"the same plan asked again in the session: {again:.2f} ms")
    profile = Profile(
        specialty="orthopaedic_surgery",
        applicant_type="do",
        step2=238,
        backup_specialty="physical_medicine_rehabilitation",
    )
    plan_report(services, profile)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        report = plan_report(services, profile)
        times.append(1000 * (time.perf_counter() - start))
    assert report.parallel is not None and report.parallel["available"]
    print(
        f"parallel plan, orthopaedic surgery + PM&R (DO): median {statistics.median(times):7.1f} ms"
    )


def optimizer_alone(services: Services) -> None:
    """The optimizer alone, for the largest specialty: the exact program with signals on the
    independent model, and greedy under correlation with its certificate."""
    profile = Profile(specialty="family_medicine", applicant_type="md", step2=245)
    ctx = build_context(services, profile, "family_medicine", services.season, [])
    assert ctx is not None
    point = Draw(ctx.params, ctx.cells)
    w, p0, q = services.evaluator.matrices(ctx, point, 245, None)
    p1 = services.evaluator.matrices(ctx, point, 245, "signal")[1]
    f0, f1 = p0 * q[:, None], p1 * q[:, None]
    options = np.column_stack([w @ f0, w @ f1])
    keep = candidates(options, 60)
    runs = {
        "exact program, 60 applications, 5 signals": lambda: signal_dp(
            np.ones(keep.size), options[keep], 60, [5]
        ),
        "greedy under correlation + certificate, 60": lambda: mixture_greedy(
            w, f0, np.ones(f0.shape[1]), 60
        ),
    }
    for label, run in runs.items():
        times = []
        for _ in range(20):
            start = time.perf_counter()
            run()
            times.append(1000 * (time.perf_counter() - start))
        print(
            f"family medicine ({f0.shape[1]} programs), {label}: median "
            f"{statistics.median(times):6.1f} ms"
        )


if __name__ == "__main__":
    main()
