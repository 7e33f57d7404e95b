"""axe-core (installed by scripts/test with npm, injected into the page, never fetched by it)
finds no serious or critical accessibility violation on the app's pages."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("AXE_CORE_JS", ROOT / ".cache/axe/node_modules/axe-core/axe.min.js"))
PAGES = [
    "/",
    "/plan?specialty=dermatology&applicant_type=md&step2=255&school_state=NY",
    "/plan?specialty=psychiatry&applicant_type=non-us-img&step2=999",  # the form with an error
    # red flags first, and a failing Step 2 CK's retake path
    "/plan?specialty=psychiatry&applicant_type=non-us-img&step2=240&step1=fail&visa=j1",
    "/plan?specialty=family_medicine&applicant_type=md&step2=216&step2_date=2026-01-10",
    "/programs/1403521292",
    "/programs/4004500001?specialty=psychiatry&applicant_type=md&step2=240&school_state=OH",
    "/how-it-works",
    "/validation",
    "/rank?specialty=psychiatry&applicant_type=md&step2=240&programs=4004500001%0A4002711108",
    "/rank?specialty=dermatology&applicant_type=md&step2=258&programs=0804821133%0A0803800144"
    "&supplemental=2189140P0%0A1547140P0",
    "/programs/1837999P0?specialty=dermatology&applicant_type=md&step2=258",
    "/midseason",
    "/midseason?specialty=internal_medicine&applicant_type=md&step2=238"
    "&invited=Thomas+Hospital%0AUniv+of+Michigan&rejected=Mayo+Clinic+(Rochester)"
    "&waiting=Brigham+and+Womens",
]


@pytest.mark.inject_scripts
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violation(page: Any, base_url: str, path: str) -> None:
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed ({AXE}); scripts/test installs it")
    page.goto(base_url + path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, serious
