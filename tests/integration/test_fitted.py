"""The shipped parameters and the validation report are fresh: they were made from the
dataset and the model code in the repository (fingerprints compared, nothing refitted)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from smartpick.data import shipped
from smartpick.errors import DataError
from smartpick.fitted import load_parameters, model_fingerprint, parameters_path
from smartpick.services.validation import stamp

ROOT = Path(__file__).resolve().parents[2]


def test_the_parameters_were_fitted_on_this_dataset_with_this_model() -> None:
    record = load_parameters()
    assert record["dataset_version"] == shipped().version, "run `smartpick calibrate`"
    assert record["code_hash"] == model_fingerprint(), (
        "the model code changed: run `smartpick calibrate`"
    )
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


def test_parameters_fitted_by_other_code_are_refused_by_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import smartpick.services as services_module
    from smartpick.cli import cli, run

    stale = {**load_parameters(), "code_hash": "0000000000000000"}
    monkeypatch.setattr(services_module, "load_parameters", lambda *_: stale)
    code = run(cli, ["standing", "--specialty", "psychiatry", "--type", "md", "--step2", "240"])
    err = capsys.readouterr().err
    assert code == 1
    assert "other model code" in err and "smartpick calibrate" in err
    assert "Traceback" not in err


def test_a_simulator_fit_made_by_other_code_is_refused() -> None:
    from smartpick.fitted import load_market_fit
    from smartpick.services import Services, simulate
    from smartpick.settings import load_config

    services = Services(load_config({}))
    record = load_market_fit()
    assert record is not None
    assert simulate.current_market_fit(services) == record
    with pytest.MonkeyPatch.context() as patch:
        stale = {**record, "code_hash": "0000000000000000"}
        patch.setattr(simulate, "load_market_fit", lambda _directory=None: stale)
        with pytest.raises(DataError, match="other model code"):
            simulate.current_market_fit(services)
