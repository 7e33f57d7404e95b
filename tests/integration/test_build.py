"""The data build, run on small raw folders the tests write."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from smartpick.build import BuildResult, build_dataset
from smartpick.errors import DataError
from tests.fixtures.shared import make_shared, write_csv


def rows(out: Path, table: str) -> list[dict[str, str]]:
    with (out / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def by_id(out: Path, table: str) -> dict[str, dict[str, str]]:
    return {r["acgme_id"]: r for r in rows(out, table)}


def test_every_program_is_kept_with_its_id(fixture_build: tuple[BuildResult, Path]) -> None:
    result, out = fixture_build
    programs = by_id(out, "programs")
    assert len(programs) == 9 == result.counts["programs"]
    assert programs["0803521001"]["specialty_key"] == "dermatology"
    assert programs["3403521007"]["specialty_key"] == "physical_medicine_rehabilitation"


def test_interview_rates_join_by_name_and_state(fixture_build: tuple[BuildResult, Path]) -> None:
    _, out = fixture_build
    rates = rows(out, "interview_rates")
    joined = {(r["acgme_id"], r["specialty_key"]) for r in rates}
    assert ("0803521001", "dermatology") in joined  # exact name, same city
    assert ("0803521002", "dermatology") in joined  # "Med" is read as "Medical"
    assert ("3400521006", "physical_medicine_rehabilitation") in joined  # no location: by name
    alpha = next(r for r in rates if r["acgme_id"] == "0803521001")
    assert alpha["gold_signal"] == "0.6" and alpha["no_signal"] == "0.02"


def test_a_row_in_another_state_never_joins(fixture_build: tuple[BuildResult, Path]) -> None:
    result, out = fixture_build
    ids = [r["acgme_id"] for r in rows(out, "interview_rates")]
    assert len(ids) == len(set(ids)), "a program received two rate rows"
    assert all(r["gold_signal"] != "0.9" for r in rows(out, "interview_rates"))
    assert any("Albany, CA" in line for line in result.report["interview_rates_unjoined"])


def test_rows_with_no_reported_rate_are_not_shipped(
    fixture_build: tuple[BuildResult, Path],
) -> None:
    result, out = fixture_build
    assert "0800521003" not in {r["acgme_id"] for r in rows(out, "interview_rates")}
    assert result.counts["rate_rows_reported"] == 7


def test_not_reported_rates_stay_empty(fixture_build: tuple[BuildResult, Path]) -> None:
    _, out = fixture_build
    beta = by_id(out, "interview_rates")["0803521002"]
    assert beta["silver_signal"] == "0.2" and beta["no_signal"] == "" and beta["md"] == ""


def test_missing_locations_come_from_the_rate_row_and_namesakes(
    fixture_build: tuple[BuildResult, Path],
) -> None:
    _, out = fixture_build
    programs = by_id(out, "programs")
    delta = programs["3400521006"]
    assert (delta["city"], delta["state"]) == ("Fresno", "CA")
    assert delta["location_source"] == "rates+centroid"
    assert float(delta["latitude"]) == pytest.approx(36.74)  # the list's own Fresno point
    alpha = programs["3403521007"]
    assert (alpha["city"], alpha["state"], alpha["location_source"]) == ("Albany", "NY", "namesake")


def test_territories_have_no_census_division(fixture_build: tuple[BuildResult, Path]) -> None:
    _, out = fixture_build
    programs = by_id(out, "programs")
    assert programs["1404231005"]["census_division"] == ""
    assert "territory" in programs["1404231005"]["division_note"]
    assert programs["0803521001"]["census_division"] == "2"


def test_nrmp_tracks_join_through_institution_and_specialty(
    fixture_build: tuple[BuildResult, Path],
) -> None:
    _, out = fixture_build
    tracks = {r["program_code"]: r for r in rows(out, "nrmp_tracks")}
    assert tracks["1001080A0"]["acgme_id"] == "0803521001"
    assert tracks["1001140P0"]["acgme_id"] == "1403521004"
    assert tracks["1001140P0"]["track_type"] == "preliminary"
    assert tracks["1003999P0"]["acgme_id"] == ""
    assert tracks["1003999P0"]["join_note"]


def test_entry_level_comes_from_tracks_or_is_marked_an_estimate(
    fixture_build: tuple[BuildResult, Path],
) -> None:
    _, out = fixture_build
    programs = by_id(out, "programs")
    assert programs["0803521001"]["entry_level"] == "advanced"
    assert programs["0800521003"]["entry_level"] == "categorical"  # its only track is C
    assert programs["0800521003"]["entry_level_basis"] == "NRMP 2026 tracks"
    assert programs["0803521002"]["entry_level"] == "advanced"  # dermatology's usual level
    assert programs["0803521002"]["entry_level_basis"].startswith("estimate")


def test_freida_visa_lists_become_yes_no_or_unknown(
    fixture_build: tuple[BuildResult, Path],
) -> None:
    _, out = fixture_build
    freida = by_id(out, "freida_im")
    assert (freida["1403521004"]["visa_j1"], freida["1403521004"]["visa_h1b"]) == ("yes", "yes")
    assert (freida["1404231005"]["visa_j1"], freida["1404231005"]["visa_h1b"]) == (
        "unknown",
        "unknown",
    )


def test_figures_without_a_year_keep_it_missing(fixture_build: tuple[BuildResult, Path]) -> None:
    _, out = fixture_build
    figures = rows(out, "specialty_figures")
    undated = {(f["metric"], f["applicant_type"]) for f in figures if f["year"] == ""}
    # The 2024 means row without a year, and the rank-list curve, which pools several years.
    assert undated == {("step2_matched_mean", "unstated"),
                       ("p_match_by_contiguous_ranks_approx_1", "md")}  # fmt: skip
    assert all(f["source"] and f["confidence"] for f in figures)


def test_the_december_figures_arrive_as_cited_facts(
    fixture_build: tuple[BuildResult, Path],
) -> None:
    _, out = fixture_build
    figures = {(f["specialty_key"], f["applicant_type"], f["metric"]): f
               for f in rows(out, "specialty_figures")}  # fmt: skip
    assert figures[("all", "md", "eras:mean_applications_per_applicant")]["value"] == "58"
    assert ("dermatology", "non-us-img", "contiguous_ranks_matched_median") in figures
    research = figures[("dermatology", "non-us-img", "research_matched_median")]
    assert float(research["value"]) == 2 and research["year"] == "2026"


def test_every_table_and_field_has_provenance(fixture_build: tuple[BuildResult, Path]) -> None:
    _, out = fixture_build
    provenance = json.loads((out / "provenance.json").read_text())
    for name, table in provenance["tables"].items():
        header = (out / table["file"]).read_text().splitlines()[0].split(",")
        assert header == list(table["fields"]), name
        for field, record in table["fields"].items():
            assert record["use"] in ("show", "derive", "build"), (name, field)
            for key in ("source", "year", "confidence", "transform", "description"):
                assert record[key], (name, field, key)
    assert all(v["use"] == "build" for v in provenance["build_inputs"].values())


def test_the_build_copies_no_source_file_verbatim(
    fixture_shared: Path, fixture_build: tuple[BuildResult, Path]
) -> None:
    _, out = fixture_build
    sources = {hashlib.sha256(p.read_bytes()).hexdigest() for p in fixture_shared.rglob("*.csv")}
    for path in out.iterdir():
        assert hashlib.sha256(path.read_bytes()).hexdigest() not in sources, path.name


def test_the_build_is_deterministic(fixture_shared: Path, tmp_path: Path) -> None:
    build_dataset(fixture_shared, tmp_path / "a")
    build_dataset(fixture_shared, tmp_path / "b")
    for path in (tmp_path / "a").iterdir():
        assert path.read_bytes() == (tmp_path / "b" / path.name).read_bytes(), path.name


def test_a_missing_raw_file_is_a_clear_error(tmp_path: Path) -> None:
    shared = make_shared(tmp_path / "shared")
    shutil.rmtree(shared / "raw" / "freida_im_2025")
    with pytest.raises(DataError, match=r"freida_im_programs_2025\.csv"):
        build_dataset(shared, tmp_path / "out")


def test_a_rate_outside_zero_to_one_is_a_clear_error(tmp_path: Path) -> None:
    shared = make_shared(tmp_path / "shared")
    write_csv(
        shared / "raw" / "signal_interview_rates" / "data" / "PM&R.csv",
        ["Program", "In-State School", "City", "State"],
        [["Delta Rehabilitation Program", "1.7", "Fresno", "CA"]],
    )
    with pytest.raises(DataError, match=r"outside 0-1"):
        build_dataset(shared, tmp_path / "out")


def test_a_folder_without_raw_and_reference_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="raw/ and reference/"):
        build_dataset(tmp_path, tmp_path / "out")


def test_positions_are_sourced_or_labelled_estimates(
    fixture_build: tuple[BuildResult, Path],
) -> None:
    _, out = fixture_build
    positions = by_id(out, "program_positions")
    assert (positions["0803521001"]["positions"], positions["0803521001"]["basis"]) == (
        "4",
        "sourced",
    )
    assert positions["1403521004"]["positions"] == "20"  # the preliminary track is not counted
    assert positions["1404231005"]["method"].startswith("FREIDA")
    beta = positions["0803521002"]
    assert (beta["positions"], beta["basis"]) == ("3", "estimate")  # median of 4 and 2
    assert "median" in beta["method"]
    assert (positions["3400521006"]["positions"], positions["3400521006"]["basis"]) == (
        "",
        "missing",
    )


def test_a_location_the_rate_file_contradicts_moves_only_with_evidence(
    fixture_build: tuple[BuildResult, Path],
) -> None:
    result, out = fixture_build
    programs = by_id(out, "programs")
    omega = programs["0803521009"]  # listed in Fresno; rate file and 2019 geocodes: Buffalo
    assert (omega["city"], omega["state"]) == ("Buffalo", "NY")
    assert float(omega["latitude"]) == pytest.approx(42.88)  # Beta's Buffalo point
    assert "Fresno, CA" in omega["location_note"] and "2019" in omega["location_note"]
    assert "0803521009" in by_id(out, "interview_rates")
    sigma = programs["0800521010"]  # the rate file says Albany, NY; nothing supports it
    assert (sigma["city"], sigma["state"], sigma["location_note"]) == ("Fresno", "CA", "")
    assert any("0800521010" in line for line in result.report["locations_reconciled"])
