"""`smartpick validate`: score the fitted model against the published cells, in sample and
leaving each specialty out, against lookup-table baselines; write docs/validation.md.

Published figures are NRMP data (`derive`): the report shows scores, errors and binned
reliability, never a published value itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from smartpick.core.model.calibration import Fit, fit
from smartpick.core.model.cell_predictions import (
    Cell,
    add_held_out,
    cell_results,
    in_sample,
    published_interviews,
)
from smartpick.core.model.margins import margin_gaps
from smartpick.core.model.targets import (
    curve_of,
    interviews_when_matched,
    ranks_of,
)
from smartpick.data import Dataset, load_dataset
from smartpick.data.engine import BORROWED, EngineData
from smartpick.fitted import (
    MARKET_FILE,
    market_fingerprint,
    model_fingerprint,
    validation_fingerprint,
)

METHODS = {
    "model": "SmartPick (program rates + fitted parameters)",
    "lookup": "lookup table: the cell's match share, whatever the score",
    "curve": "lookup table with score: the cell's own published curve (core.model.standing)",
    "pooled": "lookup table, specialty left out: the type's share over the other specialties",
    "logistic": "logistic regression on the score, specialty left out (other specialties)",
}


def stamp(dataset: Dataset, parameters: Path) -> str:
    """A hash of the dataset version, the fitted parameters and the model and validation
    code: the report is stale when any of them changes."""
    digest = hashlib.sha256()
    digest.update(dataset.version.encode())
    digest.update(parameters.read_bytes())
    digest.update(model_fingerprint().encode())
    digest.update(validation_fingerprint().encode())
    # The simulator's section: its fit and its code
    market = parameters.with_name(MARKET_FILE)
    if market.exists():
        digest.update(market.read_bytes())
    digest.update(market_fingerprint().encode())
    return digest.hexdigest()[:16]


def _holdout_fit(args: tuple[Path | None, str, Fit]) -> tuple[str, Fit]:
    """Refit without one specialty (run in a worker process)."""
    directory, specialty, start = args
    engine = EngineData(load_dataset(directory))
    targets = engine.targets(exclude=specialty)
    return specialty, fit(targets, start=start, covariance=False, fixed=start)


def run(
    dataset: Dataset,
    directory: Path | None,
    fitted: Fit,
    workers: int = 2,
    progress: Callable[[str], None] = lambda _: None,
) -> list[Cell]:
    """Every published cell with each method's predictions, in sample and leaving each
    specialty out (core.model.cell_predictions); the refits without each specialty run in
    `workers` processes."""
    engine = EngineData(dataset)
    targets = engine.targets()
    cells = in_sample(targets, fitted)
    specialties = sorted({t.specialty for t in targets})
    jobs = [(directory, s, fitted) for s in specialties]
    holdout: dict[str, Fit] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for done, (s, result) in enumerate(pool.map(_holdout_fit, jobs), start=1):
            holdout[s] = result
            progress(f"left out {s} ({done}/{len(jobs)})")
    add_held_out(cells, holdout)
    return cells


CURVE_KS = tuple(range(1, 16))  # interviews shown in the share-matched curve

# The profiles the December 2026 review tried, with what the first fit answered (issue 13,
# dataset c164d95ff1ed): (label, profile, plan options, what the first fit said).
PROFILES: tuple[tuple[str, dict[str, Any], dict[str, Any], str], ...] = (
    ("Internal Medicine, U.S. MD, 245, school in Ohio",
     {"specialty": "internal_medicine", "applicant_type": "md", "step2": 245,
      "school_state": "OH"}, {}, "4 programs for 92%"),
    ("Diagnostic Radiology, U.S. MD, 255",
     {"specialty": "diagnostic_radiology", "applicant_type": "md", "step2": 255}, {},
     "4 programs for 94%"),
    ("Pediatrics, U.S. MD, 238", {"specialty": "pediatrics", "applicant_type": "md",
     "step2": 238}, {}, "3 programs for 90%"),
    ("Emergency Medicine, U.S. MD, 240", {"specialty": "emergency_medicine",
     "applicant_type": "md", "step2": 240}, {}, "8 programs for 91%"),
    ("Dermatology, U.S. MD, 268", {"specialty": "dermatology", "applicant_type": "md",
     "step2": 268}, {}, "9 programs for 91%"),
    ("Internal Medicine, non-U.S. IMG, 250, H-1B", {"specialty": "internal_medicine",
     "applicant_type": "non-us-img", "step2": 250, "visa": "h1b"}, {},
     "16 programs for about 40%"),
    ("Orthopaedic Surgery, U.S. MD, 247, 30 applications", {"specialty":
     "orthopaedic_surgery", "applicant_type": "md", "step2": 247}, {"applications": 30},
     "standing 62%, 30 applications 75%"),
    ("Dermatology, U.S. MD, 260, 30 applications", {"specialty": "dermatology",
     "applicant_type": "md", "step2": 260}, {"applications": 30},
     "standing 71%, 30 applications 88%"),
    ("Family Medicine, U.S. MD, 216 (under the passing mark)", {"specialty":
     "family_medicine", "applicant_type": "md", "step2": 216, "step2_date": "2026-01-10"},
     {}, "97%"),
    ("Family Medicine, U.S.-citizen IMG, 240", {"specialty": "family_medicine",
     "applicant_type": "us-img", "step2": 240}, {}, "no standing, a plan with a chance"),
)  # fmt: skip


def profile_checks(services: Any) -> list[dict[str, Any]]:
    """The review's profiles through today's standing and plan."""
    from smartpick.core.profile import parse_profile
    from smartpick.services.plan import plan_report
    from smartpick.services.standing import standing_report

    out = []
    for label, data, options, before in PROFILES:
        profile = parse_profile(data)
        standing = standing_report(services, profile)
        plan = plan_report(services, profile, **options)
        rec = plan.recommended_applications
        if plan.retake is not None or rec is None or plan.typical_applications is None:
            after = "no chance: the retake path"
        else:
            at4 = next((c.p_match for c in plan.curve if c.n == 4), None)
            after = (
                f"standing {percent(standing['p_match'])}; {plan.applications} programs for "
                f"{percent(plan.p_match)} (cautious {percent(rec.p_match_low)})"
                + (f"; 4 programs {percent(at4)}" if at4 is not None and not options else "")
                + f"; typical list {plan.typical_applications.applications:.0f}"
            )
        out.append({"profile": label, "before": before, "after": after})
    return out


def percent(value: float | None) -> str:
    return "none" if value is None else f"{value:.0%}"


def targets_report(dataset: Dataset, fitted: Fit) -> dict[str, Any]:
    """What the fitted model implies for the published figures on interviews and
    applications, beside them: the U.S. MD share matched by number of interviews (pooled over
    specialties), the non-U.S. IMG contiguous-rank medians by specialty, Internal Medicine's
    interviews per matched applicant, and the typical applicant's number of applications to
    each specialty by type."""
    engine = EngineData(dataset)
    targets = engine.targets()
    moments = engine.moments()
    results = cell_results(targets, fitted, BORROWED)
    md = [r for (_, g), r in results.items() if g == "md"]
    published = published_interviews(moments)
    ranks: dict[str, dict[str, Any]] = {}
    published_ranks = published["non_us_img_contiguous_ranks_median"]
    for (spec, g), result in sorted(results.items()):
        if g != "non-us-img":
            continue
        matched, not_matched = ranks_of(result)
        ranks[spec] = {"matched": round(matched, 2), "not_matched": round(not_matched, 2)}
        if spec in published_ranks:
            ranks[spec]["published"] = published_ranks[spec]
    typical: dict[str, dict[str, float]] = {}
    for g in ("md", "do", "us-img", "non-us-img"):
        typical[g] = {
            spec: round(engine.applications(spec, g, fitted), 1) for spec in engine.specialties
        }
    interviews = {
        spec: {
            "model": round(
                interviews_when_matched([r for (s, _), r in results.items() if s == spec]), 2
            ),
            "published": round(wanted, 2),
        }
        for spec, wanted, _ in moments.interviews
    }
    return {
        "p_match_by_interviews": {
            "md": {
                str(k): round(v, 4) for k, v in zip(CURVE_KS, curve_of(md, CURVE_KS), strict=True)
            },
        },
        "p_match_by_interviews_published": {"md": published["md_share_matched_by_ranks"]},
        "contiguous_ranks_median": {"non-us-img": ranks},
        "interviews_per_matched_applicant": interviews,
        "applications_typical": typical,
        "parameters": {
            "conversion_spread": {g: p.conversion_spread for g, p in fitted.params.items()},
            "conversion_weight": next(iter(fitted.params.values())).conversion_weight,
            "application_shares": dict(fitted.shares),
        },
        "sources": {
            "p_match_by_interviews_published": "specialty_figures p_match_by_contiguous_ranks_"
            "approx_* (an advising site's rounded summary of NRMP Charting Outcomes charts; "
            "use with a tolerance of about 5 points)",
            "contiguous_ranks_median": "specialty_figures contiguous_ranks_(not_)matched_median "
            "(NRMP Charting Outcomes 2026, non-U.S. IMGs)",
            "interviews_per_matched_applicant": "freida_im interviews_conducted over "
            "first_year_positions, over the NRMP 2025 fill rate",
            "applications_typical": "specialty_figures eras:mean_applications_per_applicant, "
            "times the fitted application share where the figure counts every specialty",
        },
    }


def margin_check(dataset: Dataset) -> list[dict[str, Any]]:
    """How the additive cells reproduce each program's published margins
    (core.model.margins): per specialty and margin, the programs compared, the median gap
    between the implied and the published rates and the share within 5 points."""
    engine = EngineData(dataset)
    out: list[dict[str, Any]] = []
    for spec in engine.specialties:
        inputs = engine.inputs(spec)
        if inputs is None:
            continue
        gaps = margin_gaps(inputs.cells, inputs.type_shares, inputs.published, inputs.rates.size)
        out += [
            {
                "specialty": spec,
                "margin": m.margin,
                "programs": m.programs,
                "median_gap": m.median_gap,
                "within": m.within,
            }
            for m in gaps
        ]
    return out
