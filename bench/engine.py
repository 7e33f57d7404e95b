"""Speed of the engine for one profile: every program's P(interview) (without a signal and
with each tier) and stand-alone P(match), point estimates, in one specialty and in all.

Run: .venv/bin/python bench/engine.py
The first call of a session solves each program's intercepts (cold); later profiles reuse
them (warm). Record the printed figures in docs/benchmarks.md with the machine and date.
"""

from __future__ import annotations

import platform
import statistics
import time

from smartpick.core.profile import Profile
from smartpick.services import Services
from smartpick.services.chances import chances_report, program_chances
from smartpick.settings import load_config


def timed(call: object, repeat: int) -> tuple[float, float]:
    """(first call, median of the later calls) in milliseconds."""
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(1000 * (time.perf_counter() - start))
    return times[0], statistics.median(times[1:])


def main() -> None:
    services = Services(load_config({}))
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    assert services.fit.parameters  # load the parameters and the dataset before timing
    specialties = services.engine.specialties
    for key in ("dermatology", "internal_medicine"):
        for step2 in (240, 255):
            profile = Profile(specialty=key, applicant_type="md", step2=step2, school_state="NY")
            cold, warm = timed(lambda p=profile: program_chances(services, p), 30)
            count = services.engine.inputs(key).rates.size  # type: ignore[union-attr]
            print(
                f"{key:<18} {count:>4} programs, Step 2 {step2}: first {cold:7.1f} ms, "
                f"then median {warm:6.2f} ms"
            )

    def everything(step2: int) -> None:
        for key in specialties:
            program_chances(services, Profile(specialty=key, applicant_type="md", step2=step2))

    total = sum(services.engine.inputs(k).rates.size for k in specialties)  # type: ignore[union-attr]
    cold, warm = timed(lambda: everything(250), 10)
    print(
        f"all {len(specialties)} specialties, {total} programs: first {cold:7.1f} ms, "
        f"then median {warm:6.2f} ms"
    )
    profile = Profile(specialty="internal_medicine", applicant_type="md", step2=250)
    cold, warm = timed(lambda: chances_report(services, profile), 3)
    print(f"chances report with intervals, internal medicine: median {warm:7.1f} ms")


if __name__ == "__main__":
    main()
