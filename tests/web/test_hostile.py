"""What a tester trying to break a live server sent (issue 18): each gets a 4xx that says what
is wrong, never a 500."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from smartpick.settings import load_config
from smartpick.web import create_app

PROFILE = {"specialty": "psychiatry", "applicant_type": "md", "step2": "240"}
HUGE = "9" * 5000


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = str(tmp_path_factory.mktemp("hostile") / "web.db")
    config = load_config({"season": "2028", "db_path": db, "rate_limit": "100000"})
    with TestClient(create_app(config), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(
    "field",
    ["step2", "comlex2", "graduation_year", "failed_attempts", "research_items", "season",
     "applications"],
)  # fmt: skip
@pytest.mark.parametrize("value", ["²", "١٢", HUGE, "-3"])
@pytest.mark.parametrize("path", ["/plan", "/plan.csv", "/plan.pdf"])
def test_unicode_digits_and_huge_numbers_in_the_form_are_a_400(
    client: TestClient, path: str, field: str, value: str
) -> None:
    answer = client.get(path, params={**PROFILE, field: value})
    assert answer.status_code == 400, answer.text[:300]
    assert "whole number" in answer.text


def test_unicode_digits_in_the_rank_page_and_a_saved_plan_are_a_400(client: TestClient) -> None:
    answer = client.get("/rank", params={**PROFILE, "step2": "²", "programs": "1234567890"})
    assert answer.status_code == 400
    page = client.get("/plan", params=PROFILE)
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    saved = client.post("/saved", data={**PROFILE, "step2": "²", "csrf": csrf.group(1)})
    assert saved.status_code == 400


@pytest.mark.parametrize("budget", ["nan", "inf", "-inf", "1e400"])
def test_a_budget_that_is_not_a_finite_amount_is_refused(client: TestClient, budget: str) -> None:
    answer = client.get("/plan", params={**PROFILE, "budget": budget})
    assert answer.status_code == 400 and "not an amount in dollars" in answer.text


def test_a_far_future_date_is_a_4xx_in_the_api_and_the_page(client: TestClient) -> None:
    profile = {"specialty": "psychiatry", "applicant_type": "md", "step2": 240}
    api = client.post("/api/v1/advise", json={"profile": profile, "test_date": "9999-12-31"})
    assert api.status_code == 400 and "between" in api.json()["error"]
    dated = {**profile, "step2_date": "9999-12-31"}
    assert client.post("/api/v1/advise", json={"profile": dated}).status_code in (400, 422)
    page = client.get("/plan", params={**PROFILE, "step2_date": "9999-12-31"})
    assert page.status_code == 400


def test_true_is_not_a_score(client: TestClient) -> None:
    profile = {"specialty": "psychiatry", "applicant_type": "md", "step2": True}
    answer = client.post("/api/v1/standing", json=profile)
    assert answer.status_code in (400, 422)
    assert "true or false" in answer.text or "integer" in answer.text


def test_head_answers_like_get(client: TestClient) -> None:
    for path in ("/", "/how-it-works"):
        answer = client.head(path)
        assert answer.status_code == 200 and answer.content == b""


def test_an_oversized_body_without_a_length_is_a_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(32):
            yield b"x" * 65536  # 2 MB in all, sent chunked (no Content-Length)

    answer = client.post(
        "/api/v1/standing", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413


def _csrf(client: TestClient) -> str:
    page = client.get("/plan", params=PROFILE)
    assert page.headers["cache-control"] == "no-store"
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("forged", ["x", "a" * 40, "nonce.0000"])
def test_a_csrf_cookie_the_installation_did_not_sign_does_not_pass(
    client: TestClient, forged: str
) -> None:
    """A double submit alone lets anyone who can set a cookie pass: the token is signed."""
    _csrf(client)
    client.cookies.set("smartpick_csrf", forged)
    try:
        answer = client.post("/saved", data={**PROFILE, "csrf": forged})
        assert answer.status_code == 400 and "expired" in answer.text
    finally:
        client.cookies.clear()


def test_a_token_field_in_any_alphabet_is_a_400(client: TestClient) -> None:
    _csrf(client)
    try:
        answer = client.post("/saved", data={**PROFILE, "csrf": "Zürich-tökén"})
        assert answer.status_code == 400
    finally:
        client.cookies.clear()


def test_a_signed_token_passes_and_is_kept(client: TestClient) -> None:
    try:
        token = _csrf(client)
        assert _csrf(client) == token  # the cookie is reused while it is valid
        assert client.post("/saved", data={**PROFILE, "csrf": token}).status_code == 201
    finally:
        client.cookies.clear()


def test_an_unknown_backup_is_named_as_the_backup(client: TestClient) -> None:
    profile = {"specialty": "orthopaedic surgery", "applicant_type": "md", "step2": 225}
    answer = client.post(
        "/api/v1/plan", json={"profile": {**profile, "backup_specialty": "nonsense"}}
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["field"] == "backup_specialty" and "unknown backup specialty" in body["error"]


def test_divisions_outside_1_to_9_are_refused(client: TestClient) -> None:
    profile = {"specialty": "psychiatry", "applicant_type": "md", "step2": 240}
    for wrong in (0, 99, -1):
        answer = client.post("/api/v1/plan", json={"profile": profile, "divisions": [wrong]})
        assert answer.status_code == 422, wrong


def test_a_specialty_of_emoji_is_said_to_have_no_letters(client: TestClient) -> None:
    profile = {"specialty": "😀" * 80, "applicant_type": "md", "step2": 240}
    answer = client.post("/api/v1/standing", json=profile)
    assert answer.status_code == 400 and "no letters" in answer.json()["error"]


def test_a_damaged_database_is_not_called_a_passing_outage(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage " * 100)
    config = load_config({"db_path": str(bad), "rate_limit": "100000"})
    with TestClient(create_app(config), raise_server_exceptions=False) as hurt:
        page = hurt.get("/plan", params=PROFILE)
        assert page.status_code == 200  # plans need no database
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf is not None
        saved = hurt.post("/saved", data={**PROFILE, "csrf": csrf.group(1)})
    assert saved.status_code == 503 and "damaged" in saved.text
    assert "Retry-After" not in saved.headers and "in a minute" not in saved.text


def _app(folder: Path, rate: str) -> TestClient:
    config = load_config({"db_path": str(folder / "r.db"), "rate_limit": rate})
    return TestClient(create_app(config), raise_server_exceptions=False)


def test_workers_share_one_count_per_client(tmp_path: Path) -> None:
    """Two apps on one database stand for two worker processes: a client gets its rate in
    all, not in each (60 a minute: a burst of 6)."""
    with _app(tmp_path, "60") as first, _app(tmp_path, "60") as second:
        codes = [c.get("/how-it-works").status_code for _ in range(4) for c in (first, second)]
    assert codes.count(200) == 6 and codes.count(429) == 2


def test_a_plan_that_searches_every_geography_counts_for_more(tmp_path: Path) -> None:
    with _app(tmp_path, "600") as client:  # a burst of 60: six costly plans
        costly = {**PROFILE, "geography": "auto", "step2": "²"}  # refused at once: cheap here
        codes = [client.get("/plan.csv", params=costly).status_code for _ in range(8)]
    assert codes[:6] == [400] * 6 and codes[6:] == [429, 429]


def test_an_unexpected_error_is_a_500_with_the_headers_and_the_next_request_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from smartpick.web import pages

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(pages, "standing_report", broken)
    with _app(tmp_path, "100000") as client:
        for _ in range(2):  # two in a row on one connection
            answer = client.get("/plan", params=PROFILE)
            assert answer.status_code == 500 and "internal problem" in answer.text
            assert "Content-Security-Policy" in answer.headers
            assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert client.get("/how-it-works").status_code == 200
    assert "psychiatry" not in caplog.text  # the log has the path, not the profile
