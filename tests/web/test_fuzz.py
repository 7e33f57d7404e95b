"""Schemathesis against /openapi.json: over a thousand generated requests, no server error,
every answer in its declared shape and status, and at least one success per endpoint (a fuzz
run that only ever sees 4xx would prove nothing)."""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

from smartpick.settings import load_config
from smartpick.web import create_app

DB = Path(__file__).resolve().parents[2] / "test-results" / "fuzz.db"
DB.parent.mkdir(exist_ok=True)
DB.unlink(missing_ok=True)
app = create_app(load_config({"season": "2028", "db_path": str(DB), "rate_limit": "10000000"}))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
CASES: Counter[str] = Counter()
SUCCESSES: Counter[str] = Counter()
EXAMPLES = 250  # per endpoint: six endpoints, over a thousand requests
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_and_every_answer_as_declared(case: schemathesis.Case) -> None:
    response = case.call()
    case.validate_response(response, checks=CHECKS)
    name = f"{case.method} {case.path}"
    CASES[name] += 1
    SUCCESSES[name] += response.status_code < 300


def test_the_fuzz_ran_over_a_thousand_cases_with_a_success_on_every_endpoint() -> None:
    if not CASES:
        pytest.skip("run with the fuzz test above")
    declared = {
        f"{op.method.upper()} {op.path}"
        for op in (result.ok() for result in schema.get_all_operations())
    }
    assert sum(CASES[name] for name in declared) >= 1000, CASES
    assert all(SUCCESSES[name] >= 1 for name in declared), {n: SUCCESSES[n] for n in declared}
