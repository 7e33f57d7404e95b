"""The committed dataset is exactly what the build makes from the shared raw data."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from smartpick.build import BuildResult, build_dataset

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
SHIPPED = Path(str(resources.files("smartpick.data")))


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[BuildResult, Path]:
    if not (SHARED / "raw").is_dir():
        pytest.skip(f"the shared raw data is not beside the checkout ({SHARED})")
    out = tmp_path_factory.mktemp("fresh")
    return build_dataset(SHARED, out, ROOT / "labels" / "interview_rates_join_sample.csv"), out


def test_the_committed_dataset_is_what_the_build_makes(fresh: tuple[BuildResult, Path]) -> None:
    _, out = fresh
    built = sorted(p.name for p in out.iterdir())
    shipped = sorted(p.name for p in SHIPPED.iterdir() if p.suffix in (".csv", ".json"))
    assert built == shipped
    for name in built:
        assert (out / name).read_bytes() == (SHIPPED / name).read_bytes(), (
            f"{name} differs: run `smartpick data build --raw ../shared/data` and commit"
        )


def test_both_hand_labelled_samples_measure_at_least_98_percent(
    fresh: tuple[BuildResult, Path],
) -> None:
    result, _ = fresh
    assert result.precision["labelled"] >= 150 and result.precision["precision"] >= 0.98
    assert result.doubtful_precision["labelled"] >= 50
    assert result.doubtful_precision["precision"] >= 0.98


def test_the_foundation_counts_hold_on_the_real_data(fresh: tuple[BuildResult, Path]) -> None:
    result, _ = fresh
    counts = result.counts
    assert counts["programs"] == 5656 and counts["specialties"] == 32
    assert counts["rate_rows_reported"] == 3967
    assert counts["rate_rows_reported_joined"] >= 0.95 * counts["rate_rows_reported"]


def test_the_shipped_map_is_what_the_build_makes(tmp_path: Path) -> None:
    from smartpick.build.atlas import ASSET, read_atlas, write_atlas

    if not (SHARED / "raw").is_dir():
        pytest.skip(f"the shared raw data is not beside the checkout ({SHARED})")
    atlas = read_atlas(SHARED)
    assert len(atlas["states"]) == 52  # 50 states, DC and Puerto Rico (an inset)
    write_atlas(atlas, tmp_path / "us-states.json")
    assert (tmp_path / "us-states.json").read_bytes() == ASSET.read_bytes(), (
        "the map differs: run `smartpick data build --raw ../shared/data` and commit"
    )


def test_the_shipped_map_has_no_empty_outline() -> None:
    """An island clipped out of an inset must leave no 'M' without a point (a PDF reader of
    the outlines would stop on it)."""
    import json
    import re

    from smartpick.build.atlas import ASSET

    states = json.loads(ASSET.read_text(encoding="utf-8"))["states"]
    assert {s["name"] for s in states} >= {"Puerto Rico", "New York", "Hawaii"}
    assert not [s["name"] for s in states if re.search(r"M(?=[MLZ]|$)", s["d"])]
