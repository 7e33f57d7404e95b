"""What each program does with IMGs (issue 15): its U.S. IMG and non-U.S. IMG interview rates,
shown one program at a time with their source and season, and a minimum to filter on."""

from __future__ import annotations

import csv
import io
import json

from tests.e2e.conftest import Invoke


def test_most_neurology_programs_carry_their_non_us_img_interview_rate(invoke: Invoke) -> None:
    programs = json.loads(invoke("programs", "--specialty", "Neurology", "--json").out)["programs"]
    rated = [p for p in programs if p["non_us_img_interview_rate"] is not None]
    assert len(rated) > len(programs) / 2
    assert all(0 <= p["non_us_img_interview_rate"] <= 1 for p in rated)
    assert any(p["us_img_interview_rate"] is not None for p in programs)


def test_the_table_shows_both_rates_with_their_source_and_season(invoke: Invoke) -> None:
    out = invoke("programs", "-s", "neurology", "--limit", "3").out
    assert "US IMG int." in out and "Non-US IMG int." in out
    assert "ERAS 2024 season" in out and "unverified" in out


def test_a_minimum_img_rate_keeps_the_programs_at_or_above_it(invoke: Invoke) -> None:
    rows = list(
        csv.DictReader(
            io.StringIO(invoke("programs", "-s", "neurology", "--min-img-rate", "20%", "--csv").out)
        )
    )
    assert rows and all(float(r["non_us_img_interview_rate"]) >= 0.2 for r in rows)
    us = json.loads(
        invoke("programs", "-s", "neurology", "--min-img-rate", "0.2", "--type", "us-img",
               "--json").out
    )["programs"]  # fmt: skip
    assert us and all(p["us_img_interview_rate"] >= 0.2 for p in us)
    assert {p["acgme_id"] for p in us} != {r["acgme_id"] for r in rows}


def test_a_specialty_without_published_rates_says_why_nothing_passes(invoke: Invoke) -> None:
    result = invoke("programs", "-s", "nuclear medicine", "--min-img-rate", "0.1")
    assert result.code == 1
    assert "has a published non-U.S. IMG interview rate" in result.err


def test_a_minimum_out_of_range_or_a_type_without_it_is_refused(invoke: Invoke) -> None:
    over = invoke("programs", "-s", "neurology", "--min-img-rate", "150%")
    assert over.code != 0 and "--min-img-rate" in over.err
    alone = invoke("programs", "-s", "neurology", "--type", "us-img")
    assert alone.code != 0 and "--type" in alone.err
    md = invoke("programs", "-s", "neurology", "--min-img-rate", "0.1", "--type", "md")
    assert md.code != 0 and "us-img or non-us-img" in md.err


def test_a_plans_rows_carry_both_img_rates(invoke: Invoke) -> None:
    plan = json.loads(
        invoke("plan", "-s", "internal medicine", "--type", "non-us-img", "--step2", "250",
               "--json").out
    )  # fmt: skip
    rows = plan["programs"]
    assert rows and all("us_img_interview_rate" in r for r in rows)
    assert sum(r["non_us_img_interview_rate"] is not None for r in rows) > len(rows) / 2
