"""`smartpick simulate`: the simulated Match beside the NRMP figures."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import Invoke


def test_simulate_prints_rates_beside_the_nrmp_figures(invoke: Invoke) -> None:
    result = invoke("simulate", "--runs", "1", "--seed", "4", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    # the four published types, and the active applicants of none (graduates of earlier years)
    assert set(report["match_rate_by_type"]) == {"md", "do", "us-img", "non-us-img", "other"}
    assert "other" not in report["nrmp"]["match_rate_by_type"]  # the NRMP publishes no rate
    assert all(0 < v < 1 for v in report["match_rate_by_type"].values())
    assert 0 < report["fill_rate"] <= 1 and report["seconds_per_run"] > 0
    assert report["nrmp"]["match_rate_by_type"]["md"] == pytest.approx(0.935)
    text = invoke("simulate", "--runs", "1", "--seed", "4")
    assert "U.S. MD seniors" in text.out and "93.5%" in text.out and "s per run" in text.out
    others = next(line for line in text.out.splitlines() if line.startswith("others"))
    assert others.rstrip().endswith("-")  # no NRMP figure beside the simulated one
    # the SOAP: what it filled of the positions the Match left, as the JSON counts it
    soap = next(line for line in text.out.splitlines() if line.startswith("SOAP:"))
    assert f"{report['soap']['positions_filled']:,.0f} of the" in soap
    assert f"{report['soap']['positions_offered']:,.0f} unfilled positions" in soap
    # what the Match made of interviews, beside Charting Outcomes' figures
    curve = report["interviews"]["md_share_matched_by_ranks"]
    assert set(curve) <= {str(k) for k in range(1, 16)} and "1" in curve
    assert all(0 <= v <= 1 for v in curve.values())
    published = report["nrmp"]["interviews"]
    assert published["md_share_matched_by_ranks"]["1"] == pytest.approx(0.55)
    im = report["interviews"]["non_us_img_contiguous_ranks_median"]["internal_medicine"]
    assert im["matched"] >= 1 and im["not_matched"] >= 1
    assert published["non_us_img_contiguous_ranks_median"]["internal_medicine"] == {
        "matched": 5.0, "not_matched": 2.0,
    }  # fmt: skip
    line = next(x for x in text.out.splitlines() if x.strip().startswith("Internal Medicine"))
    assert "internal_medicine" not in text.out and "internal medicine" not in text.out
    assert f"{im['matched']:.1f} / {im['not_matched']:.1f}" in line and "(published 5 / 2)" in line
    assert f"1: {curve['1']:.1%} (55.0%)" in text.out


def test_simulate_refuses_a_year_without_figures_and_bad_runs(invoke: Invoke) -> None:
    result = invoke("simulate", "--year", "1999")
    assert result.code == 2 and "no NRMP Match figures for 1999" in result.err
    assert "2025, 2026" in result.err
    assert invoke("simulate", "--runs", "0").code == 2
