"""`smartpick serve --get`: one page rendered in-process, a smoke test."""

from __future__ import annotations

from tests.e2e.conftest import Invoke


def test_serve_get_renders_one_page_and_fails_on_an_error(invoke: Invoke) -> None:
    ok = invoke("serve", "--get", "/how-it-works")
    assert ok.code == 0 and "How it works" in ok.out
    missing = invoke("serve", "--get", "/programs/0000000000")
    assert missing.code == 1 and "no program" in missing.out
