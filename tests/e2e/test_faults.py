"""Faults: a corrupt dataset under the web app, and a server killed while saving plans."""

from __future__ import annotations

import json
import re
import shutil
import signal
import sqlite3
import subprocess
import threading
import time
import warnings
from importlib import resources
from pathlib import Path

import httpx

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from smartpick.settings import load_config
from smartpick.web import create_app
from tests.fixtures.server import free_port, start_server

PROFILE = "specialty=psychiatry&applicant_type=md&step2=240"


def test_a_corrupt_dataset_gets_a_clear_503_that_says_how_to_rebuild(tmp_path: Path) -> None:
    data = tmp_path / "dataset"
    shutil.copytree(Path(str(resources.files("smartpick.data"))), data)
    (data / "programs.csv").write_text("broken\n", encoding="utf-8")
    config = load_config({"dataset_dir": str(data), "db_path": str(tmp_path / "db.sqlite")})
    with TestClient(create_app(config), raise_server_exceptions=False) as client:
        page = client.get(f"/plan?{PROFILE}")
        assert page.status_code == 503 and "smartpick data build" in page.text
        api = client.post(
            "/api/v1/plan", json={"profile": {"specialty": "psychiatry", "applicant_type": "md"}}
        )
        assert api.status_code == 503 and "rebuild" in api.json()["hint"]


def _start(db: Path, port: int) -> subprocess.Popen[bytes]:
    return start_server(port, {"SMARTPICK_DB_PATH": str(db)})


def test_a_server_killed_while_saving_keeps_each_plan_whole_or_not_at_all(tmp_path: Path) -> None:
    port = free_port()
    db = tmp_path / "saves.sqlite"
    url = f"http://127.0.0.1:{port}"
    server = _start(db, port)
    tokens: list[str] = []
    stop = threading.Event()

    def save_forever() -> None:
        with httpx.Client(base_url=url, timeout=10) as client:
            token = None
            # On a busy machine other threads' saves may go first and the rate limit answer
            # this page: then the thread waits and asks again.
            while token is None and not stop.is_set():
                try:
                    page = client.get(f"/plan?{PROFILE}").text
                except httpx.TransportError:  # killed before this thread's page came back
                    return
                token = re.search(r'name="csrf" value="([^"]+)"', page)
                if token is None:
                    time.sleep(0.5)
            if token is None:
                return
            fields = dict(p.split("=") for p in PROFILE.split("&")) | {"csrf": token.group(1)}
            while not stop.is_set():
                try:
                    answer = client.post("/saved", data=fields)
                except httpx.TransportError:
                    return
                found = re.search(r'href="http://[^/"]+/saved/([^"]+)"', answer.text)
                if answer.status_code == 201 and found:
                    tokens.append(found.group(1))

    httpx.get(f"{url}/plan?{PROFILE}", timeout=60)  # warm the engine first
    workers = [threading.Thread(target=save_forever) for _ in range(4)]
    for w in workers:
        w.start()
    deadline = time.monotonic() + 30
    while len(tokens) < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.send_signal(signal.SIGKILL)  # mid-save, with no chance to clean up
    server.wait(timeout=10)
    stop.set()
    for w in workers:
        w.join(timeout=20)
    assert tokens, "no plan was saved before the kill"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT inputs FROM saved_plans").fetchall()
    assert len(rows) >= len(tokens)
    assert all(json.loads(r[0])["specialty"] == "psychiatry" for r in rows)  # none partial
    server = _start(db, port)  # restarts cleanly on the same file
    try:
        with httpx.Client(base_url=url, timeout=30) as client:
            for token in tokens[:: max(1, len(tokens) // 10)]:
                assert client.get(f"/saved/{token}").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=30)
