"""The shipped dataset and the loader's answers to a missing or corrupt dataset."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest

from smartpick.data import load_dataset, shipped
from smartpick.errors import DataError

SHIPPED = Path(str(resources.files("smartpick.data")))


def copy_shipped(tmp_path: Path) -> Path:
    target = tmp_path / "dataset"
    shutil.copytree(SHIPPED, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def test_the_shipped_dataset_meets_the_foundation_targets() -> None:
    ds = shipped()
    programs = ds.programs()
    assert len(programs) >= 5600
    assert len({p.specialty_key for p in programs}) >= 30
    rated = {r["acgme_id"] for r in ds.rows("interview_rates")}
    assert len(rated) >= 3769
    sample = ds.provenance["join_sample"]
    assert sample["labelled"] >= 150 and sample["precision"] >= 0.98


def test_program_ids_are_unique_ten_digit_strings() -> None:
    ids = [p.acgme_id for p in shipped().programs()]
    assert len(ids) == len(set(ids))
    assert all(len(i) == 10 and i.isdigit() for i in ids)


def test_no_program_receives_two_rate_rows() -> None:
    ids = [r["acgme_id"] for r in shipped().rows("interview_rates")]
    assert len(ids) == len(set(ids))


def test_every_program_specialty_is_in_the_catalogue() -> None:
    ds = shipped()
    keys = {s.key for s in ds.specialties()}
    assert {p.specialty_key for p in ds.programs()} <= keys


def test_nrmp_and_aamc_tables_are_derive_only() -> None:
    ds = shipped()
    # The one decided exception (docs/data.md): the two IMG rates, shown one program at a time.
    assert set(ds.fields("interview_rates", "show")) == {
        "us_img_interview_rate",
        "non_us_img_interview_rate",
    }
    assert set(ds.fields("specialty_figures", "show")) == set()
    assert set(ds.fields("nrmp_fill_history", "show")) == set()
    assert {"quota_2026", "filled_2026"} <= set(ds.fields("nrmp_tracks", "derive"))


def test_a_missing_dataset_says_how_to_rebuild(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_dataset(tmp_path)
    assert caught.value.hint is not None and "data build" in caught.value.hint


def test_a_missing_table_file_is_reported_by_name(tmp_path: Path) -> None:
    target = copy_shipped(tmp_path)
    (target / "programs.csv").unlink()
    with pytest.raises(DataError, match=r"programs\.csv is missing"):
        load_dataset(target).programs()


def test_a_truncated_table_is_reported(tmp_path: Path) -> None:
    target = copy_shipped(tmp_path)
    text = (target / "programs.csv").read_text().splitlines()
    (target / "programs.csv").write_text("\n".join(text[:100]) + "\n")
    with pytest.raises(DataError, match="truncated or corrupt"):
        load_dataset(target).rows("programs")


def test_a_table_with_other_columns_is_reported(tmp_path: Path) -> None:
    target = copy_shipped(tmp_path)
    path = target / "specialties.csv"
    lines = path.read_text().splitlines()
    path.write_text("\n".join(["wrong," + lines[0], *lines[1:]]) + "\n")
    with pytest.raises(DataError, match="columns"):
        load_dataset(target).rows("specialties")


def test_corrupt_provenance_is_reported(tmp_path: Path) -> None:
    target = copy_shipped(tmp_path)
    (target / "provenance.json").write_text("{not json")
    with pytest.raises(DataError, match="corrupt"):
        load_dataset(target)
