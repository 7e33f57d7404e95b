"""`smartpick validate`: score the fitted model against the published cells, in sample and
leaving each specialty out, against lookup-table baselines; write docs/validation.md.

Published figures are NRMP data (`derive`): the report shows scores, errors and binned
reliability, never a published value itself.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from smartpick.core.model.calibration import Fit, fit
from smartpick.core.model.interview import expit
from smartpick.core.model.standing import p_match as curve
from smartpick.core.model.targets import (
    Target,
    curve_of,
    evaluate_cell,
    individuals,
    interviews_when_matched,
    predict,
    ranks_of,
)
from smartpick.core.model.validation import (
    Bin,
    expected_calibration_error,
    pooled_logistic,
    recalibration,
    reliability,
    scores,
)
from smartpick.data import Dataset, load_dataset
from smartpick.fitted import (
    MARKET_FILE,
    market_fingerprint,
    model_fingerprint,
    parameters_path,
    validation_fingerprint,
)
from smartpick.services.engine import EngineData, SpecialtyInputs

Array = NDArray[np.float64]
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


@dataclass
class Cell:
    target: Target
    x: Array
    y: Array
    n: Array
    predictions: dict[str, Array]


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
    engine = EngineData(dataset)
    targets = engine.targets()
    cells = []
    for t in targets:
        x, y, n = individuals(t.figures, t.counts)
        cells.append(
            Cell(
                t,
                x,
                y,
                n,
                {
                    "model": predict(
                        fitted.for_cell(t.specialty, t.applicant_type), t, x, _share(fitted, t)
                    ),
                    "lookup": np.full(x.size, t.figures.match_share),
                    "curve": curve(x, t.figures),
                },
            )
        )
    specialties = sorted({t.specialty for t in targets})
    jobs = [(directory, s, fitted) for s in specialties]
    holdout: dict[str, Fit] = {}
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for done, (s, result) in enumerate(pool.map(_holdout_fit, jobs), start=1):
            holdout[s] = result
            progress(f"left out {s} ({done}/{len(jobs)})")
    for c in cells:
        t = c.target
        others = [
            o
            for o in cells
            if o.target.applicant_type == t.applicant_type and o.target.specialty != t.specialty
        ]
        held = holdout[t.specialty]
        c.predictions["held_out"] = predict(
            held.for_cell(t.specialty, t.applicant_type), t, c.x, _share(held, t)
        )
        if others:
            x = np.concatenate([o.x for o in others])
            y = np.concatenate([o.y for o in others])
            n = np.concatenate([o.n for o in others])
            c.predictions["pooled"] = np.full(c.x.size, float(n @ y / n.sum()))
            a, b = pooled_logistic(x, y, n)
            c.predictions["logistic"] = 1 / (1 + np.exp(-(a + b * c.x)))
    return cells


def _share(fitted: Fit, t: Target) -> float:
    return 1.0 if t.own_count else fitted.share(t.share_key, t.specialty)


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
        if plan.get("retake") is not None:
            after = "no chance: the retake path"
        else:
            curve = plan.get("curve", [])
            at4 = next((c["p_match"] for c in curve if c["n"] == 4), None)
            cautious = plan["recommended_applications"]["p_match_low"]
            after = (
                f"standing {_pct(standing['p_match'])}; {plan['applications']} programs for "
                f"{_pct(plan['p_match'])} (cautious {_pct(cautious)})"
                + (f"; 4 programs {_pct(at4)}" if at4 is not None and not options else "")
                + f"; typical list {plan['typical_applications']['applications']:.0f}"
            )
        out.append({"profile": label, "before": before, "after": after})
    return out


def _pct(value: float | None) -> str:
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
    results = {
        (t.specialty, t.applicant_type): evaluate_cell(
            t, fitted.for_cell(t.specialty, t.applicant_type), _share(fitted, t)
        )
        for t in targets
    }
    md = [r for (_, g), r in results.items() if g == "md"]
    published_curve = {
        str(k): v for c in moments.curves if c.applicant_type == "md"
        for k, v in zip(c.ks, c.shares, strict=True)
    }  # fmt: skip
    ranks: dict[str, dict[str, Any]] = {}
    published_ranks = {r.specialty: r for r in moments.ranks}
    for (spec, g), result in sorted(results.items()):
        if g != "non-us-img":
            continue
        matched, not_matched = ranks_of(result)
        ranks[spec] = {"matched": round(matched, 2), "not_matched": round(not_matched, 2)}
        if spec in published_ranks:
            pub = published_ranks[spec]
            ranks[spec]["published"] = {"matched": pub.matched, "not_matched": pub.not_matched}
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
        "p_match_by_interviews_published": {"md": published_curve},
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


MARGIN_GAP = 0.05  # a program's margin reproduced within 5 points counts as reproduced


def margin_check(dataset: Dataset) -> list[dict[str, Any]]:
    """How the additive cells reproduce each program's published margins: the in-state and
    out-of-state rates and each signal tier's rate implied by the cells (mixed over the
    specialty's applicant types, locations and signals), against the published ones. The
    type rates are reproduced exactly by construction; these margins are not (the in-state
    cap, the shrinkage, the floors on signal effects and the specialty-level mix move them).
    Per specialty and margin: programs compared, median gap and share within 5 points."""
    engine = EngineData(dataset)
    out = []
    for spec in engine.specialties:
        inputs = engine.inputs(spec)
        if inputs is None:
            continue
        published = inputs.published
        margins: list[tuple[str, Array, Array]] = [
            ("in-state", _implied(inputs, 1.0, None), published.in_state),
            ("out-of-state", _implied(inputs, 0.0, None), published.out_of_state),
        ]
        margins += [
            (f"signal: {t}", _implied(inputs, None, t), published.signal[t])
            for t in published.tiers
        ]
        for name, implied, shown in margins:
            ok = np.isfinite(shown)
            if not ok.any():
                continue
            gap = np.abs(implied[ok] - shown[ok])
            out.append(
                {
                    "specialty": spec,
                    "margin": name,
                    "programs": int(ok.sum()),
                    "median_gap": float(np.median(gap)),
                    "within": float((gap <= MARGIN_GAP).mean()),
                }
            )
    return out


def _implied(inputs: SpecialtyInputs, location: float | None, tier: str | None) -> Array:
    """Every program's rate implied by its cells at a location (1 in-state, 0 out-of-state,
    None mixed) and a signal tier (None mixed), over the applicants in that margin: the
    specialty's types, each with its in-state share (IMGs are never in-state)."""
    cells, mix = inputs.cells, inputs.cells.mix
    tiers = {"none": 1.0 - sum(mix.tiers.values()), **mix.tiers}
    rate = np.zeros(inputs.rates.size)
    total = 0.0
    for g, count in inputs.type_shares.items():
        in_share = cells.in_state_share(g)
        for loc, w_loc in ((1.0, in_share), (0.0, 1 - in_share)):
            if location is not None and loc != location:
                continue
            for t, w_tier in tiers.items():
                if tier is not None and t != tier:
                    continue
                weight = count * w_loc * (1.0 if tier is not None else w_tier)
                total += weight
                rate += weight * expit(cells.level[g] + cells.location * loc + cells.signal[t])
    return rate / total if total > 0 else rate


def _stack(cells: Sequence[Cell], method: str) -> tuple[Array, Array, Array]:
    chosen = [c for c in cells if method in c.predictions]
    return (
        np.concatenate([c.predictions[method] for c in chosen]),
        np.concatenate([c.y for c in chosen]),
        np.concatenate([c.n for c in chosen]),
    )


def _share_error(c: Cell, method: str) -> float:
    p = c.predictions[method]
    return float(c.n @ p / c.n.sum() - c.n @ c.y / c.n.sum())


def render(
    cells: Sequence[Cell],
    fitted: Fit,
    stamp_value: str,
    figures: Path,
    when: str,
    dataset_version: str,
    simulation: dict[str, Any] | None = None,
) -> str:
    """The markdown report; the figures are written into `figures`."""
    figures.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Validation",
        "",
        f"<!-- stamp: {stamp_value} -->",
        f"Stamp `{stamp_value}` (dataset {dataset_version}, fitted parameters, model code). "
        "Made by `smartpick validate` on " + when + "; a test fails when the stamp is stale.",
        "",
        "## What is checked",
        "",
        "Each published cell (a specialty and an applicant type with Step 2 CK figures and "
        "program interview rates) is expanded to individuals: its matched and unmatched "
        "applicants at their score nodes (docs/model.md). Each method predicts every "
        "individual's chance of matching; Brier score and log loss are count-weighted over "
        "individuals. NRMP figures are `derive` data: the report shows scores, errors in "
        "percentage points and binned reliability, never a published value.",
        "",
        f"The model has **{fitted.parameters} fitted parameters** for {fitted.targets} "
        f"likelihood targets in {len(cells)} cells (two per cell, the match share and how it "
        "moves with the score, one where the unmatched scores are suppressed) and the "
        "published figures on interviews (section *Interviews* below).",
        "",
        "- *In sample*: the shipped fit, scored on the cells it was fitted to, beside the "
        "lookup tables that have a free value per cell.",
        "- *Leave one specialty out*: for each specialty, the model is refitted without it and "
        "predicts it with its conversion offset at the prior mean (0): the prediction rests on "
        "the specialty's program interview rates and the other specialties' parameters. The "
        "baselines see the same: the type's pooled share, or a logistic regression on the "
        "score, fitted on the other specialties. The conversion spread and the application "
        "shares (fitted on the figures on interviews) are kept as fitted on all specialties.",
        "",
        "## Scores",
        "",
        "| Check | Method | Brier | Log loss | Calibration slope | Intercept | ECE |",
        "|---|---|---|---|---|---|---|",
    ]
    rows = [
        ("in sample", "model"),
        ("in sample", "lookup"),
        ("in sample", "curve"),
        ("held out", "held_out"),
        ("held out", "pooled"),
        ("held out", "logistic"),
    ]
    tables: dict[str, list[Bin]] = {}
    for check, method in rows:
        p, y, n = _stack(cells, method)
        s = scores(p, y, n)
        a, b = recalibration(p, y, n)
        tables[method] = reliability(p, y, n)
        label = (
            METHODS["model"] + ", refitted without the specialty"
            if method == "held_out"
            else METHODS[method]
        )
        lines.append(
            f"| {check} | {label} | {s.brier:.4f} | {s.log_loss:.4f} | {b:.2f} | {a:.2f} | "
            f"{expected_calibration_error(tables[method]):.3f} |"
        )
    lines += [
        "",
        "By applicant type (Brier score; held out):",
        "",
        "| Type | Cells | Model | Pooled share | Logistic on score |",
        "|---|---|---|---|---|",
    ]
    for g in sorted({c.target.applicant_type for c in cells}):
        mine = [c for c in cells if c.target.applicant_type == g]
        row = [g, str(len(mine))]
        for method in ("held_out", "pooled", "logistic"):
            p, y, n = _stack(mine, method)
            row.append(f"{scores(p, y, n).brier:.4f}" if p.size else "n/a")
        lines.append("| " + " | ".join(row) + " |")
    errors_in = [abs(_share_error(c, "model")) for c in cells]
    errors_out = [abs(_share_error(c, "held_out")) for c in cells]
    lines += [
        "",
        "## Match shares by cell",
        "",
        "Predicted minus published match share, in percentage points (METHODS §5.2 asks for "
        "1 pp on match rates by specialty and type).",
        "",
        f"- In sample: {sum(e <= 0.01 for e in errors_in)} of {len(cells)} cells within 1 pp, "
        f"{sum(e <= 0.03 for e in errors_in)} within 3 pp; largest {max(errors_in) * 100:.1f} pp.",
        f"- Held out: {sum(e <= 0.01 for e in errors_out)} within 1 pp, "
        f"{sum(e <= 0.03 for e in errors_out)} within 3 pp; largest {max(errors_out) * 100:.1f} "
        "pp.",
        "",
        "![Errors by cell](validation/errors.svg)",
        "",
        "| Specialty | Type | In sample (pp) | Held out (pp) |",
        "|---|---|---|---|",
    ]
    for c in sorted(cells, key=lambda c: (c.target.specialty, c.target.applicant_type)):
        lines.append(
            f"| {c.target.specialty} | {c.target.applicant_type} | "
            f"{_share_error(c, 'model') * 100:+.1f} | {_share_error(c, 'held_out') * 100:+.1f} |"
        )
    lines += [
        "",
        "## Reliability",
        "",
        "Predicted against observed chance of matching, individuals binned by prediction "
        "(tenths); the diagonal is perfect calibration.",
        "",
        "![Reliability diagram](validation/reliability.svg)",
        "",
        "## What this does not show",
        "",
        "- No temporal holdout: the dataset has one year of each table (Charting Outcomes "
        "2026, DO means 2024), so a later year cannot be predicted from an earlier one yet.",
        "- No check by Step 2 CK band: that curve is not in the dataset; the score enters "
        "through the matched and unmatched distributions only. The share matched by number "
        "of interviews (U.S. MD, pooled) and the non-U.S. IMG contiguous-rank medians are "
        "fitted targets (section *Interviews and applications*), not held-out checks.",
        "- Individuals are reconstructed from published distributions, not observed; the "
        "program-level probabilities are checked only through the specialty outcomes they add "
        "up to. No individual applicant's interviews are in the dataset.",
        "- U.S.-citizen IMGs have no current Step 2 CK figures: they are not validated.",
        "",
    ]
    if simulation is not None:
        lines += _simulation_section(simulation, cells)
    _plot_reliability(tables, figures / "reliability.svg")
    _plot_errors(cells, figures / "errors.svg")
    return "\n".join(lines)


def _targets_section(targets: dict[str, Any], profiles: list[dict[str, Any]]) -> str:
    """The figures on interviews beside what the model implies, and the review's profiles."""
    curve = targets["p_match_by_interviews"]["md"]
    published = targets["p_match_by_interviews_published"]["md"]
    lines = [
        "## Interviews and applications",
        "",
        "What the fitted model implies for the published figures on interviews it is fitted "
        "to (`smartpick validate --targets`), beside them. These targets are approximate or "
        "medians of whole numbers; the tolerances asked of the model are 7 points on the curve "
        "(k = 1, 2, 3, 4, 5, 7, 10) and 1.5 ranks on the medians.",
        "",
        "U.S. MD seniors, share matched by number of interviews (programs ranked stand in for "
        f"interviews; published: {targets['sources']['p_match_by_interviews_published']}):",
        "",
        "| Interviews | Model | Published |",
        "|---|---|---|",
    ]
    for k, value in curve.items():
        pub = published.get(k)
        lines.append(f"| {k} | {value:.1%} | {'' if pub is None else f'{pub:.0%}'} |")
    lines += [
        "",
        "Non-U.S. IMGs, median contiguous ranks (interviews in the preferred specialty) of "
        f"matched and unmatched applicants ({targets['sources']['contiguous_ranks_median']}):",
        "",
        "| Specialty | Matched, model | Matched, published | Not matched, model | "
        "Not matched, published |",
        "|---|---|---|---|---|",
    ]
    for spec, row in targets["contiguous_ranks_median"]["non-us-img"].items():
        pub = row.get("published") or {}
        lines.append(
            f"| {spec} | {row['matched']:.1f} | {pub.get('matched', '')} | "
            f"{row['not_matched']:.1f} | {pub.get('not_matched', '')} |"
        )
    for spec, row in targets["interviews_per_matched_applicant"].items():
        lines += ["", f"Interviews per matched applicant, {spec}: model {row['model']:.1f}, "
                  f"programs' reports {row['published']:.1f}."]  # fmt: skip
    if profiles:
        lines += [
            "",
            "## The review's profiles, before and after",
            "",
            "The profiles of the December 2026 review (issue 13), with default settings: what "
            "the first fit answered, and what SmartPick answers now (standing; recommended "
            "list and its chance, with the cautious end the count is chosen by; the typical "
            "applicant's list).",
            "",
            "| Profile | Before | Now |",
            "|---|---|---|",
        ]
        lines += [f"| {p['profile']} | {p['before']} | {p['after']} |" for p in profiles]
    return "\n".join([*lines, ""])


def _margins_section(rows: list[dict[str, Any]]) -> str:
    """The programs' published margins against those the cells imply."""
    lines = [
        "## Programs' margins",
        "",
        "Each program's published type rates are reproduced exactly by its cells; its "
        "in-state, out-of-state and signal rates are not, because the cells are additive in "
        "log-odds with the specialty's mix of applicants, the in-state advantage is capped "
        "(its own students and the IMGs inflate it) and small cells are shrunk. Below, for each "
        "specialty and margin, the median gap between the rate the cells imply (mixed over the "
        "specialty's types, locations and signals) and the published one, and the share of "
        "programs within 5 points. The in-state margin is the weakest: the published in-state "
        "rates count U.S. graduates only and include each program's own students, while the "
        "cells give in-state applicants the specialty's mix of types and cap the advantage.",
        "",
        "| Specialty | Margin | Programs | Median gap | Within 5 points |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['specialty']} | {r['margin']} | {r['programs']} | {r['median_gap'] * 100:.1f} pp "
        f"| {r['within']:.0%} |"
        for r in rows
    ]
    return "\n".join(["", *lines, ""])


def _weighted_gap(
    cells: Sequence[dict[str, Any]], published: dict[tuple[str, str], float]
) -> float:
    """Mean |simulated - published| over the cells with a published share, by applicants."""
    pairs = [
        (c["applicants"], abs(c["simulated"] - published[(c["specialty"], c["applicant_type"])]))
        for c in cells
        if (c["specialty"], c["applicant_type"]) in published
    ]
    total = sum(n for n, _ in pairs)
    return sum(n * g for n, g in pairs) / total if total else 0.0


def _simulation_section(sim: dict[str, Any], cells: Sequence[Cell]) -> list[str]:
    """The engine's closed form against the simulated Match (services.simulate.engine_check),
    and the simulated match shares against the published ones (errors only)."""
    published = {
        (c.target.specialty, c.target.applicant_type): c.target.figures.match_share for c in cells
    }
    fitted = (
        "with the simulator's parameters fitted by simulated moments (`smartpick calibrate "
        "--market`)"
        if sim["fitted"]
        else "with the simulator's parameters unfitted (tau 1, no type shifted)"
    )
    lines = [
        "## The engine against the simulated Match",
        "",
        f"{sim['runs']} national markets were drawn and matched by deferred acceptance "
        f"(`smartpick simulate`, seed {sim['seed']}), {fitted}: "
        f"{sim['applicants']:,} simulated applicants in all. For each, the engine's closed-form "
        "chance of matching for that applicant's own list, knowing only the Step 2 CK score "
        "(what `smartpick chances --apply` computes), is set against whether the simulated "
        "Match matched them. The simulation adds what the engine approximates: competition for "
        "positions, and programs' rank order lists.",
        "",
        f"- Brier score of the engine's chance: **{sim['brier']:.4f}**, against "
        f"{sim['brier_base']:.4f} for the simulated overall rate given to everyone.",
        f"- Mean chance by the engine {sim['engine_mean']:.1%}; simulated match rate "
        f"{sim['simulated_mean']:.1%}.",
        "",
        "| Engine's chance (tenths of applicants) | Simulated matched | Applicants |",
        "|---|---|---|",
    ]
    for b in sim["bins"]:
        lines.append(f"| {b['engine']:.1%} | {b['simulated']:.1%} | {b['applicants']:,} |")
    lines += [
        "",
        "By cell: the engine's mean chance and the simulated rate (U.S.-citizen IMGs have no "
        "published cell: their counts and parameters are borrowed, see `smartpick simulate`). "
        "How far the simulated rates are from the published match shares is summed up below "
        "the table, not shown cell by cell: with the simulated rate beside it, a gap would "
        "give the NRMP's figure away.",
        "",
        "| Specialty | Type | Engine | Simulated |",
        "|---|---|---|---|",
    ]
    gaps = []
    for c in sim["cells"]:
        share = published.get((c["specialty"], c["applicant_type"]))
        if share is not None:
            gaps.append(abs(c["simulated"] - share))
        lines.append(
            f"| {c['specialty']} | {c['applicant_type']} | {c['engine']:.1%} | "
            f"{c['simulated']:.1%} |"
        )
    if gaps:
        lines += [
            "",
            f"Simulated against published match shares: {sum(g <= 0.03 for g in gaps)} of "
            f"{len(gaps)} cells within 3 pp, {sum(g <= 0.10 for g in gaps)} within 10 pp; "
            f"largest {max(gaps) * 100:.1f} pp; applicant-weighted mean "
            f"{_weighted_gap(sim['cells'], published) * 100:.1f} pp.",
        ]
    return [*lines, ""]


def _plot_reliability(tables: dict[str, list[Bin]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "smartpick"
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), sharey=True)
    panels = (
        ("In sample", ("model", "lookup", "curve")),
        ("Leave one specialty out", ("held_out", "pooled", "logistic")),
    )
    styles = {
        "model": "o-",
        "held_out": "o-",
        "lookup": "s--",
        "pooled": "s--",
        "curve": "^:",
        "logistic": "^:",
    }
    names = {
        "model": "SmartPick",
        "held_out": "SmartPick",
        "lookup": "cell share",
        "curve": "cell curve",
        "pooled": "pooled share",
        "logistic": "logistic on score",
    }
    for ax, (title, methods) in zip(axes, panels, strict=True):
        ax.plot([0, 1], [0, 1], color="0.7", lw=1)
        for m in methods:
            table = tables[m]
            ax.plot(
                [b.predicted for b in table],
                [b.observed for b in table],
                styles[m],
                label=names[m],
                ms=4,
            )
        ax.set_title(title)
        ax.set_xlabel("predicted chance of matching")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.legend(loc="upper left", fontsize=8)
    axes[0].set_ylabel("observed share matched")
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)


def _plot_errors(cells: Sequence[Cell], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "smartpick"
    ordered = sorted(cells, key=lambda c: (c.target.specialty, c.target.applicant_type))
    labels = [
        f"{c.target.specialty.replace('_', ' ')[:24]} ({c.target.applicant_type})" for c in ordered
    ]
    fig, ax = plt.subplots(figsize=(7, 0.22 * len(ordered) + 1))
    ys = np.arange(len(ordered))
    ax.axvline(0, color="0.6", lw=1)
    ax.plot([_share_error(c, "model") * 100 for c in ordered], ys, "o", ms=4, label="in sample")
    ax.plot(
        [_share_error(c, "held_out") * 100 for c in ordered],
        ys,
        "x",
        ms=5,
        label="specialty left out",
    )
    ax.set_yticks(ys, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("predicted minus published match share (percentage points)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, format="svg", metadata={"Date": None})
    plt.close(fig)


def validate(
    dataset: Dataset,
    directory: Path | None,
    fitted: Fit,
    docs: Path,
    when: str,
    progress: Callable[[str], None],
    simulation: dict[str, Any] | None = None,
    profiles: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Write docs/validation.md; `simulation` (services.simulate.engine_check) adds the
    section on the engine against the simulated Match, `profiles` (profile_checks) the
    review's profiles before and after."""
    value = stamp(dataset, parameters_path(directory))
    cells = run(dataset, directory, fitted, progress=progress)
    text = render(cells, fitted, value, docs / "validation", when, dataset.version, simulation)
    text += _targets_section(targets_report(dataset, fitted), profiles or [])
    text += _margins_section(margin_check(dataset))
    report = docs / "validation.md"
    report.write_text(text, encoding="utf-8")
    p, y, n = _stack(cells, "held_out")
    return {
        "path": str(report),
        "stamp": value,
        "cells": len(cells),
        "held_out_brier": round(scores(p, y, n).brier, 4),
        "finite": all(math.isfinite(float(v)) for c in cells for v in c.predictions["model"]),
    }
