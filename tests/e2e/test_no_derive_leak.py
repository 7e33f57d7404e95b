"""No `derive` or `build` value reaches an output: the CLI's tables, JSON and CSV exports.

The test plants a sentinel in every derive field of a copy of the dataset and looks for it
in everything the CLI prints.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from importlib import resources
from pathlib import Path

import pytest

from smartpick.data import load_dataset
from smartpick.services.standing import CITED_METRICS
from tests.e2e.conftest import Invoke

SENTINEL = "0.918273"
# Fields that identify or cite a row rather than carry its figure: left as they are.
STRUCTURAL = {
    "acgme_id", "specialty_key", "program_code", "year", "metric", "applicant_type",
    "report", "source", "confidence", "fact_id",
}  # fmt: skip
SHIPPED = Path(str(resources.files("smartpick.data")))


@pytest.fixture
def planted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, invoke: Invoke) -> Path:
    """A copy of the dataset with a sentinel in every derive field (set after `invoke`)."""
    target = tmp_path / "dataset"
    shutil.copytree(SHIPPED, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    # Pretend a shown field of programs became derive-only: the exports must drop it too.
    provenance = json.loads((target / "provenance.json").read_text())
    provenance["tables"]["programs"]["fields"]["latitude"]["use"] = "derive"
    provenance["dataset_version"] = "planted"
    (target / "provenance.json").write_text(json.dumps(provenance))
    ds = load_dataset(target)
    for table in ds.table_names:
        derive = set(ds.fields(table, "derive")) | set(ds.fields(table, "build"))
        if not derive:
            continue
        rows = ds.rows(table)
        keep = STRUCTURAL & derive  # keys and citations must still work
        for row in rows:
            if row.get("metric") in CITED_METRICS:
                continue  # the explicit exception: one cited figure beside a standing
            for field in derive - keep:
                row[field] = SENTINEL
        out = io.StringIO()
        writer = csv.DictWriter(out, ds.fields(table), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        (target / f"{table}.csv").write_text(out.getvalue(), encoding="utf-8")
    monkeypatch.setenv("SMARTPICK_DATASET_DIR", str(target))
    return target


@pytest.mark.parametrize(
    "args",
    [
        ["programs", "-s", "internal medicine", "--state", "NY"],
        ["programs", "-s", "internal medicine", "--json"],
        ["programs", "-s", "dermatology", "--csv"],
        ["programs", "--json"],
        ["specialties", "--json"],
        ["specialties"],
        ["season", "--json"],
        ["season"],
        ["standing", "-s", "im", "--type", "md", "--step2", "240", "--json"],
        ["standing", "-s", "derm", "--type", "non-us-img", "--step2", "250"],
        ["data", "info", "--json"],
        ["data", "info"],
    ],
)
def test_no_derive_value_reaches_the_output(planted: Path, invoke: Invoke, args: list[str]) -> None:
    result = invoke(*args)
    assert result.code == 0, result.err
    assert SENTINEL not in result.out


def test_exported_programs_carry_only_show_fields(planted: Path, invoke: Invoke) -> None:
    ds = load_dataset(planted)
    allowed = {
        f for t in ("programs", "freida_im", "interview_rates") for f in ds.fields(t, "show")
    }
    rows = json.loads(invoke("programs", "--json").out)["programs"]
    assert rows
    assert {k for r in rows for k in r} - allowed == set()
