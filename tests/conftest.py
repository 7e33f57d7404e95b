from __future__ import annotations

from pathlib import Path

import pytest

from smartpick.build import BuildResult, build_dataset
from tests.fixtures.shared import make_shared


@pytest.fixture(scope="session")
def fixture_shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_shared(tmp_path_factory.mktemp("shared"))


@pytest.fixture(scope="session")
def fixture_build(
    fixture_shared: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[BuildResult, Path]:
    out = tmp_path_factory.mktemp("dataset")
    return build_dataset(fixture_shared, out), out
