"""A real browser (Debian's chromium, driven by Playwright) against the app served on
loopback. Every request that does not go to the app is blocked and recorded: a test fails on
any. Screenshots go to test-results/."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from smartpick.settings import load_config
from smartpick.web import create_app

RESULTS = Path(__file__).resolve().parents[2] / "test-results"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    db = str(tmp_path_factory.mktemp("db") / "w.db")
    config = load_config({"season": "2028", "db_path": db, "rate_limit": "100000"})
    server = uvicorn.Server(
        uvicorn.Config(create_app(config), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the app did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (scripts/test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Chromium's own background connections are switched off: the machine's network is
        # closed, and the app must not need it.
        flags = [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ]
        chrome = p.chromium.launch(executable_path=CHROMIUM, args=flags)
        yield chrome
        chrome.close()


@pytest.fixture
def page(browser: object, base_url: str, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh page that blocks and records every request not to the app itself."""
    # Only the accessibility check may inject its script past the content security policy.
    bypass = request.node.get_closest_marker("inject_scripts") is not None
    context = browser.new_context(  # type: ignore[attr-defined]
        accept_downloads=True, bypass_csp=bypass
    )
    tab = context.new_page()
    outside: list[str] = []

    def guard(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(base_url) or url.startswith("data:") or url.startswith("blob:"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            outside.append(url)
            route.abort()  # type: ignore[attr-defined]

    tab.route("**/*", guard)
    yield tab
    RESULTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(RESULTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not outside, f"requests outside the app: {outside}"
