"""The command line: real answers, and clear messages (never a traceback) for bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from smartpick.cli import cli
from smartpick.data import shipped
from tests.e2e.conftest import Invoke
from tests.fixtures.shared import make_shared

ROOT = Path(__file__).resolve().parents[2]


def all_commands() -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []

    def walk(prefix: str, command: click.Command) -> None:
        found.append((prefix, command))
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(f"{prefix} {name}".strip(), sub)

    walk("", cli)
    return found


@pytest.mark.parametrize(("name", "command"), all_commands()[1:])
def test_every_command_has_help_and_is_documented(name: str, command: click.Command) -> None:
    assert command.help and command.help.strip(), name
    docs = (ROOT / "docs" / "cli.md").read_text() + (ROOT / "README.md").read_text()
    assert f"smartpick {name}" in docs, f"`smartpick {name}` is missing from docs/cli.md"


def test_help_lists_the_commands(invoke: Invoke) -> None:
    result = invoke("--help")
    assert result.code == 0
    assert "programs" in result.out and "data" in result.out


def test_programs_lists_a_specialty_in_a_state(invoke: Invoke) -> None:
    result = invoke("programs", "--specialty", "ob-gyn", "--state", "new york")
    assert result.code == 0
    assert "programs." in result.out and "Season 2028" in result.out
    expected = [
        p for p in shipped().programs()
        if p.specialty_key == "obstetrics_gynecology" and p.state == "NY"
    ]  # fmt: skip
    assert f"{len(expected)} programs" in result.out


def test_programs_as_json_names_the_season_and_every_row(invoke: Invoke) -> None:
    result = invoke("programs", "-s", "dermatology", "--state", "CA,NY", "--json")
    payload = json.loads(result.out)
    assert payload["season"] == 2028
    assert payload["count"] == len(payload["programs"]) > 0
    assert {p["state"] for p in payload["programs"]} <= {"CA", "NY"}


def test_programs_as_csv_has_a_header_and_rows(invoke: Invoke) -> None:
    result = invoke("programs", "-s", "im", "--visa", "h1b", "--csv")
    table = list(csv.DictReader(io.StringIO(result.out)))
    assert table and all(r["visa_h1b"] == "yes" for r in table)


def test_the_season_flag_is_used_and_checked(invoke: Invoke) -> None:
    assert (
        json.loads(invoke("--season", "2027", "programs", "-s", "derm", "--json").out)["season"]
        == 2027
    )
    result = invoke("--season", "1990", "programs", "-s", "derm")
    assert result.code == 2 and "outside" in result.err


def test_an_unknown_specialty_names_the_closest(invoke: Invoke) -> None:
    result = invoke("programs", "--specialty", "orthopedics surgery")
    assert result.code == 2
    assert "unknown specialty" in result.err and "Orthopaedic Surgery" in result.err
    assert "Traceback" not in result.err + result.out


def test_a_bad_state_says_so(invoke: Invoke) -> None:
    result = invoke("programs", "--state", "ZZ")
    assert result.code == 2 and "'ZZ' is not a US state" in result.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["programs", "--visa", "f1"], "'f1' is not a visa"),
        (["programs", "--entry-level", "pgy3"], "is not an entry level"),
        (["programs", "--division", "12"], "not a census division"),
        (["programs", "--json", "--csv"], "choose one of --json and --csv"),
        (["programs", "--limit", "0"], "Invalid value"),
        (["programs", "--nope"], "No such option"),
        (["no-such-command"], "No such command"),
    ],
)
def test_usage_errors_exit_2_with_a_message(invoke: Invoke, args: list[str], message: str) -> None:
    result = invoke(*args)
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err


def test_an_empty_result_says_so(invoke: Invoke) -> None:
    result = invoke("programs", "-s", "dermatology", "--state", "WY")
    assert result.code == 1
    assert "No program matches" in result.err


def test_a_division_can_be_named(invoke: Invoke) -> None:
    result = invoke("programs", "-s", "psych", "--division", "new england", "--json")
    states = {p["state"] for p in json.loads(result.out)["programs"]}
    assert states and states <= {"CT", "ME", "MA", "NH", "RI", "VT"}


def test_data_info_json_reports_the_foundation_counts(invoke: Invoke) -> None:
    info = json.loads(invoke("data", "info", "--json").out)
    assert info["programs"] >= 5600
    assert info["specialties"] >= 30
    assert info["programs_with_interview_rates"] >= 3769
    assert info["join_sample"]["precision"] >= 0.98
    assert info["season"] == 2028
    field = info["tables"]["programs"]["fields"]["latitude"]
    assert 0.99 < field["coverage"] <= 1 and field["use"] == "show" and field["source"]


def test_data_info_text_names_the_season_and_sources(invoke: Invoke) -> None:
    result = invoke("data", "info")
    assert result.code == 0
    assert "planning season 2028" in result.out and "couples-match-builder" in result.out


def test_data_build_refuses_a_folder_without_raw_data(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("data", "build", "--raw", str(tmp_path), "--out", str(tmp_path / "o"))
    assert result.code == 2
    assert "raw/ and reference/" in result.err


def test_data_build_from_a_damaged_file_says_which_and_keeps_the_dataset(
    invoke: Invoke, tmp_path: Path
) -> None:
    shared, out = make_shared(tmp_path / "shared"), tmp_path / "dataset"
    build = ("data", "build", "--raw", str(shared), "--out", str(out), "--labels",
             str(tmp_path / "no-labels.csv"), "--report", str(tmp_path / "report.md"),
             "--map", str(out / "map.json"))  # fmt: skip
    assert invoke(*build).code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    fees = shared / "reference" / "fees.csv"
    fees.write_text(fees.read_text(encoding="utf-8").replace(",1,", ",one,", 1), encoding="utf-8")
    result = invoke(*build)
    assert result.code == 2
    assert "fees.csv:2 from_count: 'one' is not a whole number" in result.err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_broken_dataset_gives_a_rebuild_hint(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMARTPICK_DATASET_DIR", str(tmp_path))
    result = invoke("programs")
    assert result.code == 1
    assert "no dataset" in result.err and "smartpick data build" in result.err


def test_an_unreachable_database_is_a_clear_error(invoke: Invoke) -> None:
    result = invoke(
        "--database-url", "postgresql://nobody@127.0.0.1:1/x?connect_timeout=2", "programs"
    )
    assert result.code == 1
    assert "cannot use the database at postgresql" in result.err
    assert "Traceback" not in result.err


def test_the_installed_command_never_prints_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "SMARTPICK_DB_PATH": str(tmp_path / "db.sqlite")}
    exe = Path(sys.executable).with_name("smartpick")
    done = subprocess.run(
        [str(exe), "programs", "--specialty", "nonsense"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "unknown specialty" in done.stderr and "Traceback" not in done.stderr


def test_season_lists_the_planned_seasons_dates_and_fees(invoke: Invoke) -> None:
    result = invoke("season")
    assert result.code == 0
    assert "Season 2028 (the next Match not yet open)" in result.out
    assert "2027-09-22" in result.out and "(projected)" in result.out
    assert "carried over from 2027" in result.out and "[unverified]" in result.out


def test_season_json_cites_every_row(invoke: Invoke) -> None:
    info = json.loads(invoke("--season", "2026", "season", "--json").out)
    assert info["season"] == 2026 and info["chosen_by"] == "setting"
    assert info["calendar"] and info["fees"]
    assert all(r["source"] and r["confidence"] for r in info["calendar"] + info["fees"])
    eras = [f for f in info["fees"] if f["service"] == "ERAS" and "transcript" not in f["item"]]
    assert [(f["from"], f["amount_usd"], f["status"]) for f in eras] == [
        ("1", "11", "published"),
        ("31", "30", "published"),
    ]


def test_specialties_show_service_and_signals_for_the_season(invoke: Invoke) -> None:
    result = invoke("--season", "2026", "specialties")
    assert "Season 2026" in result.out
    lines = {line.split()[0]: line for line in result.out.splitlines()[1:]}
    assert "ResidencyCAS" in lines["Emergency"]
    assert "3 gold + 25 silver" in lines["Dermatology"]
    payload = json.loads(invoke("specialties", "--json").out)
    assert payload["season"] == 2028 and len(payload["specialties"]) == 32
    urology = next(s for s in payload["specialties"] if s["key"] == "urology")
    assert urology["match"] == "AUA" and urology["signals"]["service"] == "ERAS"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["programs", "--specialty", ""], "the specialty is empty"),
        (["programs", "--specialty", "皮膚科"], "unknown specialty '皮膚科'"),
        (["programs", "--state", ""], "a state is empty"),
        (["programs", "--state", ","], "a state is empty"),
        (["programs", "--name", ""], "has no letters or digits"),
        (["programs", "--name", "%"], "has no letters or digits"),
        (["programs", "--entry-level", ""], "the entry level is empty"),
        (["programs", "--entry-level", "pgy3"], "'pgy3' is not an entry level"),
        (["--db", "", "programs"], "the db path is empty"),
    ],
)
def test_empty_or_foreign_input_is_never_read_as_any(
    invoke: Invoke, args: list[str], message: str
) -> None:
    result = invoke(*args)
    assert result.code == 2 and message in result.err


def test_a_file_that_is_not_a_database_is_a_clear_error(invoke: Invoke, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100)
    result = invoke("--db", str(text), "programs", "-s", "derm")
    assert result.code == 1
    assert f"the SQLite file {text} is damaged or is not a SmartPick database" in result.err
    assert "Restore it" in result.err


def test_a_database_path_under_a_file_is_a_clear_error(invoke: Invoke, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = invoke("--db", str(blocker / "x.db"), "programs")
    assert result.code == 1 and "cannot use the SQLite file" in result.err


def test_an_unsupported_database_driver_is_a_clear_error(invoke: Invoke) -> None:
    result = invoke("--database-url", "sqlite+pysqlcipher:///tmp/x.db", "programs")
    assert result.code == 1 and "cannot open the database" in result.err


def test_the_csv_names_the_season_on_every_row(invoke: Invoke) -> None:
    table = list(csv.DictReader(io.StringIO(invoke("programs", "-s", "derm", "--csv").out)))
    assert table and {r["season"] for r in table} == {"2028"}


def test_an_empty_csv_still_has_its_header_and_says_so(invoke: Invoke) -> None:
    result = invoke("programs", "--name", "zzzz", "--csv")
    assert result.code == 0
    assert result.out.startswith("season,acgme_id,name,")
    assert "No program matches" in result.err


def test_exports_carry_the_markers_of_estimates_and_missing_values(invoke: Invoke) -> None:
    rows = json.loads(invoke("programs", "--state", "PR", "--json").out)["programs"]
    assert rows and all(r["census_division"] is None and r["division_note"] for r in rows)
    rows = json.loads(invoke("programs", "-s", "pm&r", "--json").out)["programs"]
    assert {"location_source", "location_note", "entry_level_basis"} <= set(rows[0])
    assert any(r["location_source"].startswith("rates") for r in rows)


def test_data_build_into_an_unwritable_place_is_a_clear_error(
    invoke: Invoke, tmp_path: Path
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    shared = ROOT.parent / "shared" / "data"
    if not shared.is_dir():
        pytest.skip(f"the shared raw data is not at {shared}")
    result = invoke("data", "build", "--raw", str(shared), "--out", str(blocker / "out"))
    assert result.code == 2 and "cannot write the dataset" in result.err
