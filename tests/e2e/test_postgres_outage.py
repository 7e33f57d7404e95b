"""PostgreSQL stopped under a running server: 503 with a clear page while it is down, the
rest of the app still answering, and recovery on its own when the database returns."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.postgres import PrivateServer, server_binaries
from tests.fixtures.server import free_port, start_server

pytestmark = pytest.mark.postgres
PROFILE = {"specialty": "psychiatry", "applicant_type": "md", "step2": "240"}


@pytest.fixture
def database() -> Iterator[PrivateServer]:
    bindir = server_binaries()
    if bindir is None:
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    server = PrivateServer(bindir)
    try:
        server.start()
        yield server
    finally:
        server.close()


def test_the_app_answers_503_while_postgres_is_down_and_recovers_by_itself(
    database: PrivateServer, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    app = start_server(port, {"SMARTPICK_DATABASE_URL": database.url}, log)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            page = client.get("/plan", params=PROFILE)
            csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert csrf
            form = {**PROFILE, "csrf": csrf.group(1)}
            saved = client.post("/saved", data=form)
            assert saved.status_code == 201
            link = re.search(r'href="http://[^/"]+(/saved/[^"]+)"', saved.text)
            assert link
            assert client.get(link.group(1)).status_code == 200

            database.stop()
            down = client.get(link.group(1))
            assert down.status_code == 503
            assert "cannot reach its database" in down.text
            assert "Nothing you saved is lost" in down.text
            assert database.url.split("@")[1] not in down.text  # no server address shown
            assert down.headers["retry-after"] == "30"
            assert client.post("/saved", data=form).status_code == 503
            api = client.post("/api/v1/plan", json={"profile": PROFILE})
            assert api.status_code == 200  # plans need no database
            assert client.get("/plan", params=PROFILE).status_code == 200

            database.start()  # no restart of SmartPick
            assert client.get(link.group(1)).status_code == 200
            assert client.post("/saved", data=form).status_code == 201

            database.stop()  # a restart between two requests: the pooled connections are
            database.start()  # dead, and the first request after must not fail on them
            assert client.get(link.group(1)).status_code == 200
    finally:
        app.terminate()
        app.wait(timeout=30)
    assert "database unavailable" in log.read_text(encoding="utf-8")  # the operator is told
