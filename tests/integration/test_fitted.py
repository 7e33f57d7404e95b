"""The shipped parameters and the validation report are fresh: they were made from the
dataset and the model code in the repository (hashes compared, nothing refitted)."""

from __future__ import annotations

import re
from pathlib import Path

from smartpick.data import shipped
from smartpick.services.engine import code_hash, load_parameters, parameters_path
from smartpick.services.validation import stamp

ROOT = Path(__file__).resolve().parents[2]


def test_the_parameters_were_fitted_on_this_dataset_with_this_model() -> None:
    record = load_parameters()
    assert record["dataset_version"] == shipped().version, "run `smartpick calibrate`"
    assert record["code_hash"] == code_hash(), "the model code changed: run `smartpick calibrate`"
    assert record["converged"]
    # Fewer parameters than targets: the model is not a lookup table of the cells.
    assert record["parameter_count"] < record["targets"]


def test_the_validation_report_is_stamped_with_the_current_fit() -> None:
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- stamp: ([0-9a-f]{16}) -->", text)
    assert found, "docs/validation.md has no stamp: run `smartpick validate`"
    assert found.group(1) == stamp(shipped(), parameters_path()), (
        "docs/validation.md is stale: run `smartpick validate`"
    )
    for figure in re.findall(r"\]\((validation/[a-z]+\.svg)\)", text):
        assert (ROOT / "docs" / figure).is_file(), figure
