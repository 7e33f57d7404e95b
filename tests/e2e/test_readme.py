"""README.md stays true: every `$ smartpick ...` example prints what the README shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.e2e.conftest import Invoke

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"```\n\$ smartpick (?P<args>[^\n]+)\n(?P<shown>.*?)```", re.S)


def examples() -> list[tuple[str, str]]:
    return [(m["args"], m["shown"]) for m in BLOCK.finditer(README.read_text())]


def test_the_readme_has_examples() -> None:
    assert len(examples()) >= 4


@pytest.mark.parametrize(("args", "shown"), examples())
def test_a_readme_example_prints_what_it_shows(invoke: Invoke, args: str, shown: str) -> None:
    result = invoke(*shlex.split(args))
    printed = result.out + result.err
    if shown.endswith("...\n"):  # the README shows the first lines only
        shown = shown[: -len("...\n")]
        printed = printed[: len(shown)]
    assert printed == shown
