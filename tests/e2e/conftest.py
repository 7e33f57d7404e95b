from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from smartpick.cli import cli, run


@dataclass
class Result:
    code: int
    out: str
    err: str


Invoke = Callable[..., Result]


@pytest.fixture
def invoke(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Invoke:
    """Run the CLI in-process, as the `smartpick` command would, with a private database."""
    monkeypatch.setenv("SMARTPICK_DB_PATH", str(tmp_path / "smartpick.db"))
    monkeypatch.setenv("SMARTPICK_TODAY", "2026-11-25")
    for name in ("SMARTPICK_DATABASE_URL", "SMARTPICK_SEASON", "SMARTPICK_DATASET_DIR"):
        monkeypatch.delenv(name, raising=False)

    def call(*args: str) -> Result:
        capsys.readouterr()
        code = run(cli, list(args))
        captured = capsys.readouterr()
        # The catch-all answer means an error SmartPick did not anticipate: always a bug.
        assert "internal problem" not in captured.err, captured.err
        return Result(code, captured.out, captured.err)

    return call
