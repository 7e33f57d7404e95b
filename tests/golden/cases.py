"""The saved outputs behind the redesign (issue 17): the same inputs must give the same numbers
before and after code moves. Each case is one `smartpick` command with --json; its answer is
saved under tests/golden/outputs/ by `python -m tests.golden.cases --write` and compared by
tests/golden/test_golden.py. A refit changes the numbers on purpose: rewrite them then, and
say so in the commit."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

OUTPUTS = Path(__file__).with_name("outputs")
TODAY = "2026-11-25"

CASES: dict[str, tuple[str, ...]] = {
    "plan_im_md_245_oh": (
        "plan", "--specialty", "internal medicine", "--type", "md", "--step2", "245",
        "--school-state", "OH",
    ),
    "plan_ortho_md_247_budget": (
        "plan", "--specialty", "orthopaedic surgery", "--type", "md", "--step2", "247",
        "--budget", "2000",
    ),
    "plan_im_img_250_h1b": (
        "plan", "--specialty", "internal medicine", "--type", "non-us-img", "--step2", "250",
        "--visa", "h1b",
    ),
    "plan_fm_do_230_backup": (
        "plan", "--specialty", "family medicine", "--type", "do", "--step2", "230",
        "--backup", "psychiatry",
    ),
    "plan_fm_md_216": ("plan", "--specialty", "family medicine", "--type", "md", "--step2", "216"),
    "standing_derm_md_260": (
        "standing", "--specialty", "dermatology", "--type", "md", "--step2", "260",
    ),
    "standing_peds_us_img_235": (
        "standing", "--specialty", "pediatrics", "--type", "us-img", "--step2", "235",
    ),
    "chances_psych_md_240": (
        "chances", "--specialty", "psychiatry", "--type", "md", "--step2", "240",
        "--school-state", "TX",
    ),
    "rank_im_md_238_four": (
        "rank", "--specialty", "internal medicine", "--type", "md", "--step2", "238",
        "--programs", "1403800544,1403100500,1404200003,1400821496",
    ),
    "advise_em_md_expected": (
        "advise", "--specialty", "emergency medicine", "--type", "md", "--step2-expected", "243",
    ),
}  # fmt: skip


def normalized(payload: Any) -> Any:
    """The answer without what moves by itself between runs (timings)."""
    if isinstance(payload, dict):
        return {k: normalized(v) for k, v in payload.items() if not k.endswith("_seconds")}
    if isinstance(payload, list):
        return [normalized(v) for v in payload]
    return payload


def answer(args: tuple[str, ...]) -> Any:
    """The command's JSON answer, run in-process as `smartpick` would run it (the caller sets
    SMARTPICK_TODAY and a private database)."""
    from smartpick.cli import cli, run

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = run(cli, [*args, "--json"])
    if code != 0:
        raise AssertionError(f"smartpick {' '.join(args)} exited {code}")
    return normalized(json.loads(out.getvalue()))


if __name__ == "__main__":  # pragma: no cover - the writer
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python -m tests.golden.cases --write")
    os.environ["SMARTPICK_TODAY"] = TODAY
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["SMARTPICK_DB_PATH"] = str(Path(tmp) / "smartpick.db")
        OUTPUTS.mkdir(exist_ok=True)
        for name, args in CASES.items():
            text = json.dumps(answer(args), indent=1, sort_keys=True) + "\n"
            (OUTPUTS / f"{name}.json").write_text(text, encoding="utf-8")
            print(name)
