"""Issue 15: an old graduation year never passes silently. Graduating in 2016 instead of 2026
(season 2028, a non-U.S. IMG in Internal Medicine) puts a flag at the top of the plan, the
standing and the advice that the 2026 graduate does not get."""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import Invoke

# The season is 2028: the conftest sets today to 2026-11-25.
IMG = ("-s", "internal medicine", "--type", "non-us-img", "--step2", "250",
       "--us-clinical-months", "6", "--json")  # fmt: skip


@pytest.mark.parametrize("command", ["plan", "standing", "advise"])
def test_graduating_in_2016_is_flagged_where_2026_is_not(invoke: Invoke, command: str) -> None:
    def flags(year: str) -> list[str]:
        result = invoke(command, *IMG, "--graduation-year", year)
        assert result.code == 0, result.err
        return list(json.loads(result.out)["flags"])

    old = [f for f in flags("2016") if f not in flags("2026")]
    assert len(old) == 1 and old[0].startswith("graduation in 2016")
    assert "not counted" in old[0] and "likely lower than shown" in old[0]


def test_the_advice_for_an_img_says_ecfmg_certification_and_its_dates(invoke: Invoke) -> None:
    advice = json.loads(invoke("advise", *IMG, "--graduation-year", "2026").out)
    lines = [r for r in advice["recommendations"] if "ECFMG" in r["text"]]
    texts = " ".join(r["text"] for r in lines)
    assert "Step 1 and Step 2 CK" in texts and "OET Medicine at 350" in texts
    assert "by the rank order list deadline" in texts and "withdrawn from the Match" in texts
    assert "before starting an ACGME-accredited residency" in texts
    assert all(r["kind"] == "from the data" and r["sources"] for r in lines)
    md = ("-s", "internal medicine", "--type", "md", "--step2", "250", "--json")
    us_grad = json.loads(invoke("advise", *md).out)
    assert not any("ECFMG" in r["text"] for r in us_grad["recommendations"])
