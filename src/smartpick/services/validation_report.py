"""docs/validation.md and its figures: the cells of services.validation, scored by
core.model.cell_predictions and rendered as a report, stamped with what it was made from
(`smartpick validate`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from smartpick.core.model.calibration import Fit
from smartpick.core.model.cell_predictions import (
    Cell,
    all_finite,
    brier,
    method_scores,
    share_error,
)
from smartpick.core.model.validation import Bin
from smartpick.data import Dataset
from smartpick.fitted import (
    parameters_path,
)
from smartpick.services.validation import (
    METHODS,
    margin_check,
    run,
    stamp,
    targets_report,
)


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
        "shares (fitted with every target, the figures on interviews among them) are kept as "
        "fitted on all specialties; so are the deviations of non-U.S. IMGs' score weight in "
        "the other specialties (the type's weight itself is refitted), the left-out "
        "specialty's at its prior mean, 0.",
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
        m = method_scores(cells, method)
        tables[method] = m.table
        label = (
            METHODS["model"] + ", refitted without the specialty"
            if method == "held_out"
            else METHODS[method]
        )
        lines.append(
            f"| {check} | {label} | {m.scores.brier:.4f} | {m.scores.log_loss:.4f} | "
            f"{m.slope:.2f} | {m.intercept:.2f} | {m.calibration_error:.3f} |"
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
            value = brier(mine, method)
            row.append("n/a" if value is None else f"{value:.4f}")
        lines.append("| " + " | ".join(row) + " |")
    errors_in = [abs(share_error(c, "model")) for c in cells]
    errors_out = [abs(share_error(c, "held_out")) for c in cells]
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
            f"{share_error(c, 'model') * 100:+.1f} | {share_error(c, 'held_out') * 100:+.1f} |"
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
        f"{sim['applicants']:,} simulated applicants in all who prefer a specialty the engine "
        "models from its own programs' rates (not the PGY-1 years, nor the specialties drawn "
        "like another's). For each, the engine's closed-form "
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
    ys = list(range(len(ordered)))
    ax.axvline(0, color="0.6", lw=1)
    ax.plot([share_error(c, "model") * 100 for c in ordered], ys, "o", ms=4, label="in sample")
    ax.plot(
        [share_error(c, "held_out") * 100 for c in ordered],
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
    return {
        "path": str(report),
        "stamp": value,
        "cells": len(cells),
        "held_out_brier": round(method_scores(cells, "held_out").scores.brier, 4),
        "finite": all_finite(cells, "model"),
    }
