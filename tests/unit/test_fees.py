"""Application fees: the AAMC's published worked examples (fees.csv) are reproduced."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from smartpick.core.fees import Tier, cost, most_programs, total_cost

ERAS_2026 = [Tier(1, 30, 11, "per_program"), Tier(31, None, 30, "per_program")]
CAS_2026 = [
    Tier(1, 18, 99, "flat"),
    Tier(19, 30, 18, "per_program"),
    Tier(31, None, 23, "per_program"),
]


def shipped_examples() -> dict[str, float]:
    text = (resources.files("smartpick.data") / "fees.csv").read_text(encoding="utf-8")
    return {
        r["notes"].split(":")[1].split(";")[0].strip(): float(r["amount_usd"])
        for r in csv.DictReader(text.splitlines())
        if r["season"] == "2026" and r["item"] == "example total"
    }


def test_the_published_2026_eras_examples_are_reproduced() -> None:
    examples = shipped_examples()
    assert examples["30 Emergency Medicine programs"] == cost(ERAS_2026, 30) == 330
    assert examples["43 Internal Medicine + 7 Diagnostic Radiology programs"] == total_cost(
        ERAS_2026, [43, 7]
    )
    assert examples["32 Internal Medicine + 32 Emergency Medicine programs"] == total_cost(
        ERAS_2026, [32, 32]
    )


@pytest.mark.parametrize(
    ("count", "fee"), [(0, 0), (1, 99), (18, 99), (19, 117), (30, 315), (31, 338)]
)
def test_a_flat_tier_is_charged_once(count: int, fee: float) -> None:
    assert cost(CAS_2026, count) == fee


def test_the_budget_buys_the_most_programs_it_pays_for() -> None:
    assert most_programs(ERAS_2026, 330, 200) == 30
    assert most_programs(ERAS_2026, 359, 200) == 30
    assert most_programs(ERAS_2026, 360, 200) == 31
    assert most_programs(ERAS_2026, 10_000, 120) == 120
    assert most_programs(CAS_2026, 98, 50) == 0


def test_fee_assistance_reproduces_the_aamc_worked_example() -> None:
    """43 Internal Medicine + 7 Diagnostic Radiology programs with ERAS 2026 fees: $797, of
    which a Fee Assistance Program applicant pays $239 (fees.csv)."""
    from smartpick.core.fees import Assistance

    base = [Tier(1, 30, 11.0, "per_program"), Tier(31, None, 30.0, "per_program")]
    assert total_cost(base, [43, 7]) == 797
    fap = Assistance(share_paid=239 / 797, covered=50)
    paid = cost(fap.schedule(base), 43) + cost(fap.schedule(base, before=43), 7)
    assert round(paid) == 239
    # Past the covered applications the full fee is paid; never dearer than without it
    s = 239 / 797
    assert cost(fap.schedule(base), 60) == pytest.approx(s * (30 * 11 + 20 * 30) + 10 * 30)
    assisted = [cost(fap.schedule(base, before=5), n) for n in range(0, 90)]
    assert all(a <= cost(base, n) for n, a in enumerate(assisted))
    assert assisted == sorted(assisted)
    assert cost(fap.schedule(base, before=50), 20) == cost(base, 20)  # nothing left to cover
