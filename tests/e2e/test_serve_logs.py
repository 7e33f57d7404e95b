"""The running server writes nothing about the applicant to its logs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def test_a_profile_never_reaches_the_server_logs(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTPICK_")}
    env["SMARTPICK_DB_PATH"] = str(tmp_path / "logs.db")
    smartpick = Path(sys.executable).with_name("smartpick")
    server = subprocess.Popen(
        [str(smartpick), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                httpx.get(url + "/how-it-works", timeout=5)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        page = httpx.get(
            url + "/plan?specialty=neurology&applicant_type=do&step2=243&school_state=WY",
            timeout=30,
        )
        assert page.status_code == 200
        bad = httpx.get(url + "/plan?specialty=neurology&applicant_type=do&step2=987", timeout=30)
        assert bad.status_code == 400
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    # the server's own port (random) may hold the score's digits: it is not the applicant's
    output = output.replace(f"127.0.0.1:{port}", "127.0.0.1:<port>")
    for secret in ("243", "987", "WY", "step2"):
        assert secret not in output, output
