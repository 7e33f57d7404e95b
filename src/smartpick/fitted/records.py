"""The engine's fit as a record: what `smartpick calibrate` writes (the fitted parameters, their
covariance, the targets, the sources and the fingerprint of the code) and how it is read back."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from smartpick.core.model.calibration import Fit
from smartpick.core.model.parameters import Params
from smartpick.core.model.targets import (
    APPLICATIONS_METRIC,
    CURVE_METRIC,
    RANKS_MATCHED,
    RANKS_NOT_MATCHED,
    Moments,
)
from smartpick.fitted import model_fingerprint


def fit_record(fit: Fit, dataset_version: str, when: str, moments: Moments) -> dict[str, Any]:
    first = next(iter(fit.params.values()))
    extra = sum(len(c.ks) for c in moments.curves) + 2 * len(moments.ranks)
    extra += len(moments.interviews)
    return {
        "description": "SmartPick's fitted model parameters (smartpick calibrate)",
        "method": "penalized maximum likelihood of the published Step 2 CK distributions of "
        "matched and unmatched applicants (expanded to individuals, given at least one "
        "interview), jointly with the published figures on interviews: the U.S. MD share "
        "matched by programs ranked, the non-U.S. IMG contiguous-rank medians and Internal "
        "Medicine's interviews per filled position, in two stages: non-U.S. IMGs' score "
        "weight then deviates by specialty, with the conversion weight and the U.S. seniors' "
        "conversion spread held at the first stage's (docs/model.md)",
        "dataset_version": dataset_version,
        "code_hash": model_fingerprint(),
        "fitted_on": when,
        "targets": fit.targets + extra,
        "parameter_count": fit.parameters,
        "likelihood_targets": fit.targets,
        "moment_targets": extra,
        "neg_log_likelihood": round(fit.neg_log_likelihood, 4),
        "objective": round(fit.objective, 4),
        "converged": fit.converged,
        "conversion_weight": first.conversion_weight,
        "application_shares": dict(fit.shares),
        "types": {
            g: {
                "score_weight": p.score_weight,
                "spread": p.spread,
                "conversion": p.conversion,
                "conversion_spread": p.conversion_spread,
                "targeting": p.targeting,
            }
            for g, p in fit.params.items()
        },
        "offsets": dict(fit.offsets),
        "score_deviations": dict(fit.score_deviations),
        "names": list(fit.names),
        "covariance": [[float(v) for v in row] for row in fit.covariance],
        "sources": {
            "targets": "specialty_figures (NRMP Charting Outcomes 2026 U.S. MD seniors and "
            "non-U.S. IMGs, 2024 means for U.S. DO seniors)",
            "program rates": "interview_rates (datadoc1/signal-analysis, ERAS 2024 season)",
            "applications": f"specialty_figures {APPLICATIONS_METRIC}: the specialty's own mean "
            "where published, else the type's mean over all specialties times the fitted "
            "application share",
            "moments": f"specialty_figures {CURVE_METRIC}* (U.S. MD), {RANKS_MATCHED} and "
            f"{RANKS_NOT_MATCHED} (non-U.S. IMGs), freida_im interviews_conducted and "
            "first_year_positions with the 2025 fill_rate",
        },
    }


def fit_from_record(record: Mapping[str, Any]) -> Fit:
    tau = float(record.get("conversion_spread", 0.0))
    weight = float(record.get("conversion_weight", 1.0))
    params = {
        g: Params(
            v["score_weight"],
            v["spread"],
            v["conversion"],
            v.get("conversion_spread", tau),
            weight,
            v.get("targeting", 1.0),
        )
        for g, v in record["types"].items()
    }
    return Fit(
        params,
        dict(record["offsets"]),
        float(record["neg_log_likelihood"]),
        np.array(record["covariance"], dtype=np.float64),
        tuple(record["names"]),
        int(record["likelihood_targets"]),
        bool(record["converged"]),
        dict(record.get("application_shares", {})),
        float(record.get("objective", float("nan"))),
        dict(record.get("score_deviations", {})),
    )
