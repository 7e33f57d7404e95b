"""Speed of `smartpick plan` for one profile: the optimized list with signals, the curve of
chance and cost for every number of applications, the reasons and the interval.

Run: .venv/bin/python bench/plan.py
Record the printed figures in docs/benchmarks.md with the machine and date.
"""

from __future__ import annotations

import platform
import statistics
import time

from smartpick.core.profile import Profile
from smartpick.services import Services
from smartpick.services.plan import plan_report
from smartpick.settings import load_config


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
                f"{statistics.median(times):7.1f} ms ({len(report['curve'])} sizes, "
                f"{report['applications']} recommended)"
            )
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
    assert report["parallel"]["available"]
    print(
        f"parallel plan, orthopaedic surgery + PM&R (DO): median {statistics.median(times):7.1f} ms"
    )


if __name__ == "__main__":
    main()
