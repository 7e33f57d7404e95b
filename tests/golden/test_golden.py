"""The same inputs give the same numbers as the saved outputs (issue 17: code moves must not
change what a student is told). Floats are compared to 1e-9 so that a reordered sum does not
fail the test while any real change does."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import Invoke
from tests.golden.cases import CASES, OUTPUTS, normalized


def _differences(saved: Any, now: Any, where: str = "") -> list[str]:
    if isinstance(saved, dict) and isinstance(now, dict):
        found = [f"{where}.{k}: missing now" for k in saved.keys() - now.keys()]
        found += [f"{where}.{k}: new" for k in now.keys() - saved.keys()]
        for k in saved.keys() & now.keys():
            found += _differences(saved[k], now[k], f"{where}.{k}")
        return found
    if isinstance(saved, list) and isinstance(now, list):
        if len(saved) != len(now):
            return [f"{where}: {len(saved)} items saved, {len(now)} now"]
        return [
            d
            for i, (a, b) in enumerate(zip(saved, now, strict=True))
            for d in _differences(a, b, f"{where}[{i}]")
        ]
    if isinstance(saved, float) and isinstance(now, float | int) and not isinstance(now, bool):
        return (
            []
            if abs(saved - now) <= 1e-9 * max(1.0, abs(saved))
            else [f"{where}: {saved} -> {now}"]
        )
    return [] if saved == now else [f"{where}: {saved!r} -> {now!r}"]


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_answer_is_the_saved_one(name: str, invoke: Invoke) -> None:
    saved = json.loads((OUTPUTS / f"{name}.json").read_text(encoding="utf-8"))
    result = invoke(*CASES[name], "--json")
    assert result.code == 0, result.err
    found = _differences(saved, normalized(json.loads(result.out)))
    assert not found, f"{len(found)} differences, first: " + "; ".join(found[:8])
