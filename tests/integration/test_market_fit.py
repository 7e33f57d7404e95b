"""The simulator's fit on the dataset (services.market_fit): on a small market in the test
command (the full fit runs outside it), and the shipped record kept current."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from smartpick.core.match.market import Plans
from smartpick.fitted import load_market_fit, market_fingerprint
from smartpick.services import Services
from smartpick.services.market_fit import (
    fit_market,
    write_market_fit,
)
from smartpick.services.simulate import build_market
from smartpick.settings import load_config


@pytest.fixture(scope="module")
def services() -> Services:
    return Services(load_config({"season": "2028"}))


def test_a_small_market_fit_lowers_the_distance_and_is_used(
    services: Services, tmp_path: Path
) -> None:
    market = build_market(services)
    keep = tuple(m for m in market.specialties if m.specialty in ("psychiatry", "neurology"))
    small = dataclasses.replace(market, specialties=keep, plans=Plans())
    fitted, record = fit_market(services, small, runs=1, max_evaluations=16)
    assert fitted.distance <= fitted.start_distance
    assert {c["specialty"] for c in record["cells"]} == {"psychiatry", "neurology"}
    assert record["shift"]["md"] == 0.0 and record["tau"] == pytest.approx(fitted.tau)
    path = write_market_fit(record, tmp_path)
    assert path.exists()
    loaded = load_market_fit(tmp_path)
    assert loaded == record
    used = build_market(services, loaded)
    do = next(c for m in used.specialties for c in m.cohorts if c.applicant_type == "do")
    assert do.shift == pytest.approx(record["shift"]["do"]) and do.tau == pytest.approx(fitted.tau)


def test_a_refit_starts_from_the_last_fit_too_and_keeps_the_better_end(
    services: Services,
) -> None:
    market = build_market(services)
    keep = tuple(m for m in market.specialties if m.specialty == "psychiatry")
    small = dataclasses.replace(market, specialties=keep, plans=Plans())
    first, _ = fit_market(services, small, runs=1, max_evaluations=12)
    fitted, record = fit_market(services, small, runs=1, max_evaluations=12, previous=first.theta)
    starts = record["starts"]
    assert [s["theta"] for s in starts] == [[0.0, 0.0, 0.0], list(first.theta)]
    assert fitted.distance == min(s["distance"] for s in starts)
    assert fitted.distance <= first.distance  # the last fit is never lost


def test_the_shipped_simulator_fit_is_current(services: Services) -> None:
    record = load_market_fit()
    assert record is not None, "no simulator fit shipped: run `smartpick calibrate --market`"
    stale = "stale: run `smartpick calibrate --market`"
    assert record["dataset_version"] == services.dataset.version, stale
    assert record["code_hash"] == market_fingerprint(), stale
    assert record["engine_code_hash"] == services.parameters["code_hash"], stale
    assert record["distance"]["fitted"] <= record["distance"]["start"]
