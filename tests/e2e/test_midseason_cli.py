"""`smartpick midseason` on the command line: the review's example, and bad rows answered by a
message that names the line and the fix, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import Invoke

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "midseason.csv"
PROFILE = ("--specialty", "im", "--type", "md", "--step2", "238")


def test_midseason_answers_in_json(invoke: Invoke) -> None:
    result = invoke(
        "midseason", *PROFILE, "--applied", str(EXAMPLE), "--today", "2026-12-06", "--json"
    )
    assert result.code == 0, result.err
    answer = json.loads(result.out)
    assert answer["season"] == 2027 and answer["p_match_now"] < 0.85
    assert {
        "p_match_now_interval",
        "expected_more_invitations",
        "next_steps",
        "add_programs",
    } <= set(answer)
    assert set(answer["add_programs"][0]) >= {"program_id", "p_interview", "fee"}
    assert set(answer["next_steps"][0]) == {"action", "reason"}


@pytest.mark.parametrize(
    ("row", "said"),
    [
        ("1499999999,waiting,", "line 3: no program has the ACGME id 1499999999"),
        ("1400500011,accepted,2026-11-02", "line 3: status 'accepted' is not one of invited"),
        ("1400500011,invited,02/11/2026", "line 3: date '02/11/2026' is not a date"),
        ("1400500011,invited,2026-12-30", "line 3: the date 2026-12-30 is after today"),
        ("Sutter Health,invited,2026-11-02", "line 3: 'Sutter Health' is not an ACGME program id"),
    ],
)
def test_a_bad_row_names_its_line(invoke: Invoke, tmp_path: Path, row: str, said: str) -> None:
    applied = tmp_path / "applied.csv"
    applied.write_text(f"program_id,status,date\n1403600333,waiting,\n{row}\n")
    result = invoke("midseason", *PROFILE, "--applied", str(applied), "--today", "2026-12-06")
    assert result.code == 2
    assert said in result.err
    assert "(the option: --applied)" in result.err
    assert "Traceback" not in result.err + result.out


def test_a_list_without_its_header_says_what_the_header_is(invoke: Invoke, tmp_path: Path) -> None:
    applied = tmp_path / "applied.csv"
    applied.write_text("1403600333,waiting,\n")
    result = invoke("midseason", *PROFILE, "--applied", str(applied))
    assert result.code == 2
    assert "line 1: the first line should be the header program_id,status,date" in result.err


def test_a_missing_file_is_a_usage_error(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("midseason", *PROFILE, "--applied", str(tmp_path / "none.csv"))
    assert result.code == 2
    assert "cannot read the list" in result.err
