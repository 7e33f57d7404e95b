"""Refitting the engine: the dataset's targets and moments, the last fit as the start, the new
record written beside the dataset (`smartpick calibrate`)."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from smartpick.data import Dataset
from smartpick.data.engine import EngineData
from smartpick.errors import DataError
from smartpick.fitted import load_parameters, parameters_path
from smartpick.fitted.records import fit_from_record, fit_record


def calibrate(
    dataset: Dataset, out: Path, when: str, progress: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """Refit the parameters on the dataset's targets and moments and write them to `out`."""
    from smartpick.core.model.calibration import fit_in_stages

    engine = EngineData(dataset)
    moments = engine.moments()
    targets = engine.targets()
    start = None
    with contextlib.suppress(DataError):  # no earlier fit: start from neutral values
        start = fit_from_record(load_parameters(out))
    result = fit_in_stages(targets, moments, start=start, progress=progress)
    record = fit_record(result, dataset.version, when, moments)
    path = parameters_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return {
        "path": str(path),
        **{
            k: record[k]
            for k in ("targets", "parameter_count", "neg_log_likelihood", "converged", "types")
        },
    }
