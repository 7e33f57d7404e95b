"""The web tests' app: one per test module, on a private SQLite file, season 2028, the rate
limit out of the way."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import pytest

with warnings.catch_warnings():  # Starlette's notice about httpx, not ours
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from smartpick.settings import load_config
from smartpick.web import create_app


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = str(tmp_path_factory.mktemp("web") / "web.db")
    with TestClient(
        create_app(load_config({"season": "2028", "db_path": db, "rate_limit": "100000"}))
    ) as c:
        yield c
