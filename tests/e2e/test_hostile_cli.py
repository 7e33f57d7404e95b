"""What a tester sent the command line (issue 18): every answer is exit 2 with a line or two
that say what is wrong, never a traceback, and devices or pipes are never read."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import Invoke, Result

PROFILE = ("standing", "--specialty", "psychiatry", "--type", "md", "--step2", "240")


def _refused(result: Result, words: str) -> None:
    assert result.code == 2, result.err
    assert words in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) <= 4  # click: usage, help, a blank, the error


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_the_profile_is_refused_at_once(invoke: Invoke, device: str) -> None:
    start = time.perf_counter()
    result = invoke("standing", "--profile", device)
    assert time.perf_counter() - start < 1.0
    _refused(result, "not a regular file")


def test_a_pipe_as_the_profile_is_refused_without_waiting(invoke: Invoke, tmp_path: Path) -> None:
    fifo = tmp_path / "profile.fifo"
    os.mkfifo(fifo)
    _refused(invoke("standing", "--profile", str(fifo)), "not a regular file")


@pytest.mark.parametrize(
    "text",
    [
        '{"specialty": ' + "[" * 20000 + "]" * 20000 + "}",
        '{"specialty": "psychiatry", "applicant_type": "md", "step2": ' + "9" * 5000 + "}",
    ],
)
def test_deep_nesting_and_huge_numbers_in_a_profile_file(
    invoke: Invoke, tmp_path: Path, text: str
) -> None:
    path = tmp_path / "profile.json"
    path.write_text(text, encoding="utf-8")
    _refused(invoke("standing", "--profile", str(path)), "too long or nesting too deep")


def test_settings_in_unicode_digits(invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    _refused(invoke("--season", "²", *PROFILE), "is not a year")
    monkeypatch.setenv("SMARTPICK_RATE_LIMIT", "²")
    _refused(invoke(*PROFILE), "rate limit")


def test_dates_in_the_year_9999(invoke: Invoke) -> None:
    advise = ("advise", "--specialty", "psychiatry", "--type", "md", "--step2", "240")
    _refused(invoke(*advise, "--step2-date", "9999-12-31"), "between")
    _refused(invoke(*advise, "--test-date", "9999-12-31"), "between")


@pytest.mark.parametrize("amount", ["nan", "inf", "1e400"])
def test_a_budget_that_is_not_finite_is_refused(invoke: Invoke, amount: str) -> None:
    plan = ("plan", "--specialty", "psychiatry", "--type", "md", "--step2", "240")
    _refused(invoke(*plan, "--budget", amount), "not a finite number")
