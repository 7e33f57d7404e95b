"""`smartpick serve`: --get renders one page in-process (a smoke test); workers get the
command line's settings; a bad or busy port is one line."""

from __future__ import annotations

import re
import socket
import sqlite3
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import Invoke
from tests.fixtures.server import free_port, start_server

PROFILE = "specialty=psychiatry&applicant_type=md&step2=240"


def test_serve_get_renders_one_page_and_fails_on_an_error(invoke: Invoke) -> None:
    ok = invoke("serve", "--get", "/how-it-works")
    assert ok.code == 0 and "How it works" in ok.out
    missing = invoke("serve", "--get", "/programs/0000000000")
    assert missing.code == 1 and "no program" in missing.out


def test_workers_use_the_database_and_season_given_on_the_command_line(tmp_path: Path) -> None:
    """Worker processes build the app from the environment: serve hands them --db and
    --season (issue 18)."""
    port, db = free_port(), tmp_path / "given.sqlite"
    server = start_server(
        port, {}, before=("--db", str(db), "--season", "2027"), after=("--workers", "2")
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            answer = client.post(
                "/api/v1/standing",
                json={"specialty": "psychiatry", "applicant_type": "md", "step2": 240},
            )
            assert answer.status_code == 200 and answer.json()["season"] == 2027
            page = client.get(f"/plan?{PROFILE}")
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert csrf is not None
            fields = dict(p.split("=") for p in PROFILE.split("&")) | {"csrf": csrf.group(1)}
            assert client.post("/saved", data=fields).status_code == 201
    finally:
        server.terminate()
        server.wait(timeout=30)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM saved_plans").fetchone()[0] == 1


def test_a_port_out_of_range_or_in_use_is_one_line_and_exit_2(invoke: Invoke) -> None:
    wrong = invoke("serve", "--port", "99999")
    assert wrong.code == 2 and "99999" in wrong.err and "Traceback" not in wrong.err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        answer = invoke("serve", "--port", str(taken))
    assert answer.code == 2 and "cannot listen" in answer.err
    assert len(answer.err.strip().splitlines()) == 3  # the message, the hint, the option


def test_serve_refuses_a_damaged_database_at_start(invoke: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage " * 100)
    answer = invoke("--db", str(bad), "serve", "--port", str(free_port()))
    assert answer.code == 1 and "is damaged" in answer.err and "Traceback" not in answer.err


@pytest.mark.parametrize("trusted", [False, True])
def test_x_forwarded_for_is_believed_only_from_a_named_proxy(tmp_path: Path, trusted: bool) -> None:
    """Without SMARTPICK_TRUSTED_PROXIES a client cannot pass the rate limit by naming a new
    address in each request (30 a minute: a burst of 3)."""
    port = free_port()
    settings = {"SMARTPICK_RATE_LIMIT": "30", "SMARTPICK_DB_PATH": str(tmp_path / "x.db")}
    if trusted:
        settings["SMARTPICK_TRUSTED_PROXIES"] = "127.0.0.1"
    server = start_server(port, settings)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            codes = [
                client.get("/how-it-works", headers={"X-Forwarded-For": f"203.0.113.{i}"})
                .status_code
                for i in range(6)
            ]  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert (429 in codes) != trusted, codes
