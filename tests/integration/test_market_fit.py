"""The simulator's fit on the dataset (services.market_fit): on a small market in the test
command (the full fit runs outside it), and the shipped record kept current."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from smartpick.core.match import smm
from smartpick.core.match.applications import Behaviour
from smartpick.core.match.market import Plans
from smartpick.core.match.national import TYPES, Market, seeds
from smartpick.core.match.smm import NAMES, REFERENCE
from smartpick.core.match.soap import CONSIDERATION_BOUNDS
from smartpick.errors import DataError
from smartpick.fitted import load_market_fit, market_fingerprint
from smartpick.services import Services
from smartpick.services.market_fit import (
    FIT_ROUNDS,
    fit_market,
    registered_by_type,
    settle_registration,
    write_market_fit,
)
from smartpick.services.market_inputs import filled_by_type, registered_per_active
from smartpick.services.simulate import build_market
from smartpick.settings import load_config


@pytest.fixture(scope="module")
def services() -> Services:
    return Services(load_config({"season": "2028"}))


def _only(services: Services, *names: str) -> Market:
    """The national market cut down to some specialties, without parallel plans."""
    market = build_market(services)
    keep = tuple(m for m in market.specialties if m.specialty in names)
    return dataclasses.replace(market, specialties=keep, plans=Plans())


def test_a_small_market_fit_lowers_the_distance_and_is_used(
    services: Services, tmp_path: Path
) -> None:
    small = _only(services, "psychiatry", "neurology")
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
    # the behaviour: in the record, and the simulator applies as it says
    assert set(record["behaviour"]["applications"]) == set(TYPES)  # "other" too, like IMGs
    applications = record["behaviour"]["applications"]
    assert applications["other"] == applications["non-us-img"] == applications["us-img"]
    assert used.behaviour == fitted.behaviour
    assert used.behaviour.multiplier("md") == pytest.approx(
        record["behaviour"]["applications"]["md"]
    )
    assert {m["moment"] for m in record["national"]} >= {
        "match_rate:md", "match_rate:non-us-img", "fill_rate", "active_share",
        "md_matched_by_ranks:1", "applications:md", "fill:0",
    }  # fmt: skip
    # registration by type: some register and get no interview, so never fewer than active
    ratios = record["registered_per_active"]
    assert set(ratios) <= set(TYPES) and min(ratios.values()) >= 1.0
    assert used.behaviour.reach == pytest.approx(record["behaviour"]["reach"])
    # the SOAP's consideration: fitted to the NRMP's share of SOAP positions filled, and used
    soap = record["soap"]
    assert 0 < soap["published"]["filled"] < soap["published"]["offered"]
    assert 0.0 <= soap["share_filled"] <= 1.0
    assert used.soap_consideration == pytest.approx(soap["consideration"])
    assert any("fitted to the NRMP's SOAP fill" in note for note in used.notes)
    assert not any("SOAP fill" in note for note in build_market(services).notes)


def test_registration_settles_so_each_type_has_its_active_count(services: Services) -> None:
    small = _only(services, "psychiatry")
    streams = seeds(5, 1)
    overall = registered_per_active(services)
    target = {g: n / overall for g, n in registered_by_type(small).items()}

    def gaps(rounds: int) -> tuple[dict[str, float], dict[str, float]]:
        settled, ratio = settle_registration(small, streams, REFERENCE, target, rounds=rounds)
        outcome = smm.outcomes(settled, streams, REFERENCE)[0]
        for g, n in target.items():
            assert registered_by_type(settled)[g] == pytest.approx(ratio[g] * n, abs=2)
        ranked = {g: int((outcome.draw.active & (outcome.types == g)).sum()) for g in target}
        return {g: abs(ranked[g] / n - 1) for g, n in target.items()}, ratio

    one, _ = gaps(1)
    three, ratio = gaps(3)
    # a fixed point: the rounds bring the active counts nearer the NRMP's, every type's within
    # 6% or, for the few in one specialty (U.S.-citizen IMGs and others: about a hundred),
    # within three binomial standard deviations of its count
    assert all(three[g] < max(0.06, 3 / np.sqrt(n)) for g, n in target.items())
    weighed = {g: n / sum(target.values()) for g, n in target.items()}
    assert sum(weighed[g] * three[g] for g in target) < sum(weighed[g] * one[g] for g in target)
    # IMGs more often get no interview than U.S. MD seniors: more register per active one
    assert ratio["non-us-img"] > ratio["md"] >= 1.0


def test_a_record_of_before_the_behaviour_loads_with_the_engines_lists_and_says_so(
    services: Services,
) -> None:
    old = {"tau": 2.0, "shift": {"do": 0.5}}  # no "behaviour": fitted before it was
    market = build_market(services, old)
    assert market.behaviour == Behaviour()
    assert any("no behavioural parameters" in n for n in market.notes)
    with pytest.raises(DataError, match="unreadable behaviour"):
        build_market(services, {**old, "behaviour": {"applications": 3}})


def test_a_record_with_one_temperature_gives_it_to_every_type_and_says_so(
    services: Services,
) -> None:
    # issue 19's second pass fitted one temperature for all
    old = {"tau": 2.0, "shift": {"do": 0.5}, "behaviour": {"applications": {"md": 0.9},
           "temperature": 0.7}}  # fmt: skip
    market = build_market(services, old)
    assert {market.behaviour.heat(g) for g in ("md", "do", "us-img", "non-us-img")} == {0.7}
    assert any("one temperature for every applicant type" in n for n in market.notes)
    assert not any("one temperature" in n for n in build_market(services).notes)


def test_a_refit_starts_from_the_last_fit_and_keeps_the_round_nearest_on_unseen_markets(
    services: Services,
) -> None:
    small = _only(services, "psychiatry")
    first, _ = fit_market(services, small, runs=1, max_evaluations=12)
    previous = dict(zip(NAMES, first.theta, strict=True))
    fitted, record = fit_market(services, small, runs=1, max_evaluations=12, previous=previous)
    rounds = record["rounds"]
    assert len(rounds) == FIT_ROUNDS + 1
    # the start itself is a candidate (no evaluation); the first round starts from the last
    # fit, each next one where the one before ended
    assert rounds[0]["theta"] == rounds[0]["end"] == list(first.theta)
    assert rounds[0]["evaluations"] == 0
    assert rounds[1]["theta"] == list(first.theta)
    assert rounds[2]["theta"] == rounds[1]["end"]
    # the kept round is the one nearest the targets on markets the fit never saw, drawn on
    # the market shipped (settled again)
    assert record["distance"]["held_out"] == min(r["held_out"] for r in rounds)
    kept = next(r for r in rounds if r["held_out"] == record["distance"]["held_out"])
    assert record["distance"]["settled"] == kept["settled"]
    assert fitted.distance == kept["distance"] and list(fitted.theta) == kept["end"]
    # Nelder-Mead never ends a round worse than it began it
    assert all(r["distance"] <= r["start_distance"] for r in rounds)


def test_the_shipped_simulator_fit_is_current(services: Services) -> None:
    record = load_market_fit()
    assert record is not None, "no simulator fit shipped: run `smartpick calibrate --market`"
    stale = "stale: run `smartpick calibrate --market`"
    assert record["dataset_version"] == services.dataset.version, stale
    assert record["code_hash"] == market_fingerprint(), stale
    assert record["engine_code_hash"] == services.parameters["code_hash"], stale
    assert record["distance"]["fitted"] <= record["distance"]["start"]
    # the SOAP after its Matches fills what the NRMP's did (the consideration within bounds)
    soap = record["soap"]
    published = soap["published"]["filled"] / soap["published"]["offered"]
    assert soap["share_filled"] == pytest.approx(published, abs=0.01)
    assert CONSIDERATION_BOUNDS[0] < soap["consideration"] < CONSIDERATION_BOUNDS[1]


def test_who_filled_a_specialty_is_the_published_shares_the_rest_being_others(
    services: Services,
) -> None:
    shares = filled_by_type(services)
    im = shares["internal_medicine"]
    assert set(im) == {"md", "do", "us-img", "non-us-img"}
    rows = [
        r for r in services.dataset.rows("specialty_figures")
        if r["specialty_key"] == "internal_medicine" and r["metric"] == "us_md_senior_share"
    ]  # fmt: skip
    latest = max(rows, key=lambda r: int(r["year"]))
    assert im["md"][0] == pytest.approx(float(latest["value"]))  # as published, not rescaled
    # graduates of earlier years and others fill the rest: the market's "other" applicants
    assert 0.8 < sum(v for v, _ in im.values()) < 1.0
