"""The engine's inputs from the dataset: program rates, the specialty mix, the calibration
targets, and the fitted parameters (a data file with its own provenance)."""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from smartpick.core.calibration import Fit, Target, typical_applicant
from smartpick.core.interview import TYPES, CellRates, ProgramRates, cell_rates
from smartpick.core.model import Params, Pool
from smartpick.core.seasons import signal_rule
from smartpick.core.standing import Figures, figures_for
from smartpick.data import Dataset
from smartpick.errors import DataError
from smartpick.services.standing import figures_table

PARAMETERS_FILE = "parameters.json"
FITTED = "fitted"  # the folder of fitted parameters, beside the dataset tables
_SIGNAL_COLUMNS = {
    "gold": "gold_signal",
    "silver": "silver_signal",
    "signal": "signal",
    "none": "no_signal",
}
# Types whose Step 2 CK figures are published; U.S.-citizen IMGs borrow non-U.S. IMGs' (said).
FITTED_TYPES = ("md", "do", "non-us-img")
BORROWED = {"us-img": "non-us-img"}
# The evidence rows of applications per applicant by type (ERAS 2022 averages) and the
# specialty-level mean (2026); see applications_by_type.
_TYPE_EVIDENCE = {
    "md": "U.S. MD applicants",
    "do": "U.S. DO applicants",
    "us-img": "IMG applicants",
    "non-us-img": "IMG applicants",
}


def _num(text: str) -> float:
    return float(text) if text != "" else float("nan")


@dataclass(frozen=True)
class SpecialtyInputs:
    rates: ProgramRates
    cells: CellRates
    type_shares: Mapping[str, float]


class EngineData:
    """Everything the engine reads from one dataset, computed once."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    @functools.cached_property
    def rates_season(self) -> int:
        """The season of the program interview rates (their provenance year)."""
        return int(self.dataset.field_provenance("interview_rates", "no_signal")["year"])

    @functools.cached_property
    def figures(self) -> tuple[Any, Any, Any]:
        return figures_table(self.dataset.rows("specialty_figures"))

    def figures_for(self, specialty: str, applicant_type: str) -> tuple[Figures | None, list[str]]:
        table, years, _ = self.figures
        return figures_for(table, years, specialty, applicant_type)

    @functools.cached_property
    def _rate_rows(self) -> dict[str, list[dict[str, str]]]:
        out: dict[str, list[dict[str, str]]] = {}
        for r in self.dataset.rows("interview_rates"):
            out.setdefault(r["specialty_key"], []).append(r)
        return out

    @property
    def specialties(self) -> list[str]:
        return sorted(self._rate_rows)

    def type_shares(self, specialty: str) -> dict[str, float]:
        """Applicants by type who preferred the specialty (Charting Outcomes counts); types
        without a count are left out, which the docs say."""
        table, _, _ = self.figures
        shares: dict[str, float] = {}
        for g in FITTED_TYPES:
            f, _ = figures_for(table, self.figures[1], specialty, g)
            if f is not None and not any("pooled" in n for n in f.notes):
                shares[g] = f.share_n
        return shares or {"md": 1.0}

    def signals_then(self, specialty: str) -> dict[str, int]:
        """The signal counts of the rates' season."""
        rule = signal_rule(self.dataset.rows("signals"), specialty, self.rates_season)
        if rule is None:
            return {}
        return {
            k: v
            for k, v in (("gold", rule.gold), ("silver", rule.silver), ("signal", rule.single_tier))
            if v
        }

    @functools.cache  # noqa: B019 - one EngineData per dataset, kept for the session
    def inputs(self, specialty: str) -> SpecialtyInputs | None:
        rows = self._rate_rows.get(specialty)
        if not rows:
            return None
        if any(r["gold_signal"] for r in rows):
            tiers: tuple[str, ...] = ("gold", "silver")
        elif any(r["signal"] for r in rows):
            tiers = ("signal",)
        else:
            tiers = ()
        rates = ProgramRates(
            ids=tuple(r["acgme_id"] for r in rows),
            by_type={g: np.array([_num(r[g.replace("-", "_")]) for r in rows]) for g in TYPES},
            in_state=np.array([_num(r["in_state"]) for r in rows]),
            out_of_state=np.array([_num(r["out_of_state"]) for r in rows]),
            tiers=tiers,
            signal={
                t: np.array([_num(r[_SIGNAL_COLUMNS[t]]) for r in rows]) for t in (*tiers, "none")
            },
            season=self.rates_season,
        )
        shares = self.type_shares(specialty)
        return SpecialtyInputs(
            rates, cell_rates(rates, shares, self.signals_then(specialty)), shares
        )

    @functools.cached_property
    def applications_by_type(self) -> dict[str, float]:
        """A typical applicant's applications in one specialty, by type: the 2026 mean per
        specialty (all applicants) scaled by the type's total applications (ERAS 2022)
        against the 2026 mean total. An assumption, stated in docs/model.md."""
        table, _, _ = self.figures
        totals = table.get(("all", "all"), {})
        per_specialty = totals.get("eras:applications_per_applicant_per_specialty")
        overall = totals.get("eras:applications_per_applicant")
        if per_specialty is None or overall is None:
            raise DataError("the dataset lacks the ERAS applications-per-applicant figures")
        by_type: dict[str, float] = {}
        rows = self.dataset.rows("evidence_restricted")
        for g, population in _TYPE_EVIDENCE.items():
            value = next(
                float(r["value_low"])
                for r in rows
                if r["quantity"] == "mean applications per applicant"
                and r["population"] == population
            )
            by_type[g] = per_specialty * value / overall
        return by_type

    def targets(self, exclude: str | None = None, scale: float = 1.0) -> list[Target]:
        """Every published cell with program rates behind it; typical applications scaled
        by `scale` (the fitted application scale)."""
        out = []
        for spec in self.specialties:
            inputs = self.inputs(spec)
            if spec == exclude or inputs is None:
                continue
            for g in FITTED_TYPES:
                f, _ = self.figures_for(spec, g)
                if f is None:
                    continue
                typical = typical_applicant(inputs.cells, g, scale * self.applications_by_type[g])
                out.append(Target(spec, g, f, Pool.from_figures(f), typical))
        return out


# -- fitted parameters ------------------------------------------------------------------------


INTERVIEW_SPECIALTY = "internal_medicine"


def interviews_per_match(dataset: Dataset) -> tuple[float, str]:
    """Internal Medicine programs' interviews per filled first-year position (FREIDA 2025
    interview counts and positions, NRMP 2025 fill rate): how many interviews a matched
    applicant had, on average, in the one specialty where the dataset has interview counts."""
    rows = tuple(
        (r["interviews_conducted"], r["first_year_positions"])
        for r in dataset.rows("freida_im")
        if r["interviews_conducted"] and r["first_year_positions"]
    )
    fill = next(
        float(r["value"])
        for r in dataset.rows("specialty_figures")
        if r["specialty_key"] == INTERVIEW_SPECIALTY and r["metric"] == "fill_rate"
    )
    interviews = sum(float(i) for i, _ in rows)
    positions = sum(float(p) for _, p in rows)
    return interviews / (positions * fill), (
        f"FREIDA 2025 Internal Medicine: interviews conducted over first-year positions "
        f"({len(rows)} programs), over the NRMP 2025 fill rate {fill:g}"
    )


def code_hash() -> str:
    """A hash of the model code: the files whose change invalidates a fit."""
    digest = hashlib.sha256()
    core = resources.files("smartpick.core")
    for name in ("interview.py", "model.py", "calibration.py", "standing.py", "outcomes.py"):
        digest.update((core / name).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()[:16]


MAX_ROUNDS = 8


def _modelled_interviews(
    engine: EngineData, result: Fit, scale: float, per_cell: Callable[[Params, Target], float]
) -> float:
    """Interviews per matched applicant in Internal Medicine, pooled over the types by
    their matched counts."""
    cells = [t for t in engine.targets(scale=scale) if t.specialty == INTERVIEW_SPECIALTY]
    weights = [t.counts[0] for t in cells]
    values = [per_cell(result.for_cell(t.specialty, t.applicant_type), t) for t in cells]
    return sum(w * v for w, v in zip(weights, values, strict=True)) / sum(weights)


def fit_record(fit: Fit, dataset_version: str, when: str) -> dict[str, Any]:
    return {
        "description": "SmartPick's fitted model parameters (smartpick calibrate)",
        "method": "penalized maximum likelihood of the published Step 2 CK distributions of "
        "matched and unmatched applicants, expanded to individuals (docs/model.md)",
        "dataset_version": dataset_version,
        "code_hash": code_hash(),
        "fitted_on": when,
        # The likelihood's targets and parameters, plus one of each for the application scale
        # (Internal Medicine's interviews per filled position).
        "targets": fit.targets + 1,
        "parameter_count": fit.parameters + 1,
        "likelihood_targets": fit.targets,
        "application_scale": fit.application_scale,
        "neg_log_likelihood": round(fit.neg_log_likelihood, 4),
        "converged": fit.converged,
        "types": {
            g: {"score_weight": p.score_weight, "spread": p.spread, "conversion": p.conversion}
            for g, p in fit.params.items()
        },
        "offsets": dict(fit.offsets),
        "names": list(fit.names),
        "covariance": [[float(v) for v in row] for row in fit.covariance],
        "sources": {
            "targets": "specialty_figures (NRMP Charting Outcomes 2026 U.S. MD seniors and "
            "non-U.S. IMGs, 2024 means for U.S. DO seniors)",
            "program rates": "interview_rates (datadoc1/signal-analysis, ERAS 2024 season)",
            "applications": "specialty_figures eras:applications_per_applicant(_per_specialty) "
            "2026 and evidence_restricted 'mean applications per applicant' 2022, scaled by "
            "application_scale",
            "application_scale": "fitted so that Internal Medicine's matched applicants have "
            "as many interviews as its programs report per filled position (freida_im "
            "interviews_conducted and first_year_positions, specialty_figures fill_rate 2025)",
        },
    }


def fit_from_record(record: Mapping[str, Any]) -> Fit:
    params = {
        g: Params(v["score_weight"], v["spread"], v["conversion"])
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
        float(record["application_scale"]),
    )


def parameters_path(directory: Path | None = None) -> Path:
    if directory is not None:
        return directory / FITTED / PARAMETERS_FILE
    return Path(str(resources.files("smartpick.data") / FITTED / PARAMETERS_FILE))


def load_parameters(directory: Path | None = None) -> dict[str, Any]:
    path = parameters_path(directory)
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(
            f"the model parameters ({path}) are missing or unreadable",
            hint="Refit them with `smartpick calibrate`.",
        ) from exc
    return record


def calibrate(
    dataset: Dataset, out: Path, when: str, progress: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """Refit the parameters on the dataset's targets and write them to `out`.

    The typical number of applications is scaled so that Internal Medicine's matched
    applicants have as many interviews as its programs report per filled position: fit the
    parameters, rescale the applications by the ratio of reported to modelled interviews,
    refit, until the two agree within 1%.
    """
    from smartpick.core.calibration import fit, interviews_when_matched

    engine = EngineData(dataset)
    wanted, _ = interviews_per_match(dataset)
    scale, result = 1.0, None
    for _ in range(MAX_ROUNDS):
        result = fit(engine.targets(scale=scale), start=result, covariance=False)
        modelled = _modelled_interviews(engine, result, scale, interviews_when_matched)
        progress(
            f"applications x {scale:.3f}: {modelled:.2f} interviews per matched "
            f"applicant in Internal Medicine (reported {wanted:.2f})"
        )
        if abs(modelled / wanted - 1) < 0.01:
            break
        scale *= wanted / modelled
    result = fit(engine.targets(scale=scale), start=result)
    result = replace(result, application_scale=scale)
    record = fit_record(result, dataset.version, when)
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
