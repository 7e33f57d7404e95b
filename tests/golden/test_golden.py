"""The same inputs give the same numbers as the saved outputs (issue 17: code moves must not
change what a student is told). The answers are rounded (chances to four decimals) and the
last decimal depends on the machine (numpy's kernels differ by processor: on 2026-12-07 an
AMD EPYC with AVX-512 moved three chances of the saved plans by 0.0001), so a float may
differ by two units of its last decimal (at most 0.0002 of a chance, a fiftieth of a point;
a student is shown whole points) and nothing more. The fees per point of an application
that adds under a tenth of a point (more than $100 a point) are that last decimal over a
fee, so they are compared only below $100 a point."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import Invoke
from tests.golden.cases import CASES, OUTPUTS, normalized

TOLERANCE = 2e-4  # two units of the fourth decimal, relative above 1
NOISY = {"usd_per_point": 100.0}  # compared only below this value


def _noisy(key: str, saved: Any, now: Any) -> bool:
    """A value too small a gain stands behind to be the same on every machine."""
    limit = NOISY.get(key)
    if limit is None:
        return False
    return all(v is None or v >= limit for v in (saved, now))


def _differences(saved: Any, now: Any, where: str = "") -> list[str]:
    if isinstance(saved, dict) and isinstance(now, dict):
        found = [f"{where}.{k}: missing now" for k in saved.keys() - now.keys()]
        found += [f"{where}.{k}: new" for k in now.keys() - saved.keys()]
        for k in saved.keys() & now.keys():
            if not _noisy(k, saved[k], now[k]):
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
            if abs(saved - now) <= TOLERANCE * max(1.0, abs(saved))
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
