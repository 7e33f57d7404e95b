"""The build: read every raw source, join, and write the dataset with its provenance."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smartpick.build import fields as F
from smartpick.build.catalogue import load_catalogue
from smartpick.build.freida import read_freida
from smartpick.build.nrmp import join_tracks, read_florida_history, read_institutions, read_tracks
from smartpick.build.pgy1 import pgy1_tracks
from smartpick.build.positions import program_positions
from smartpick.build.programs import (
    fill_locations,
    join_rates,
    read_centroids,
    read_geo_2019,
    read_programs,
    read_rates,
    reconcile_locations,
)
from smartpick.build.reference import (
    copy_rows,
    read_reference,
    signals,
    specialty_figures,
    split_evidence,
)
from smartpick.build.sources import read_csv
from smartpick.build.tables import Table
from smartpick.core.geography import is_territory
from smartpick.errors import SourceError

DOUBTFUL_LABELS = "interview_rates_doubtful_sample.csv"


@dataclass
class BuildResult:
    """What the build wrote and what it could not do."""

    tables: dict[str, Table]
    counts: dict[str, int] = field(default_factory=dict)
    report: dict[str, list[str]] = field(default_factory=dict)
    precision: dict[str, float | int] = field(default_factory=dict)
    doubtful_precision: dict[str, float | int] = field(default_factory=dict)


def check_layout(shared: Path) -> tuple[Path, Path]:
    raw, ref = shared / "raw", shared / "reference"
    if not raw.is_dir() or not ref.is_dir():
        raise SourceError(
            f"{shared} does not hold raw/ and reference/ folders",
            hint="Pass the shared data folder, e.g. --raw ../shared/data",
        )
    return raw, ref


def build_dataset(shared: Path, out: Path, labels: Path | None = None) -> BuildResult:
    """Build every table from `shared` (holding raw/ and reference/) and write them to `out`."""
    raw, ref = check_layout(shared)
    catalogue = load_catalogue()
    programs = read_programs(raw, catalogue)
    rates = read_rates(raw, catalogue)
    relocated = reconcile_locations(programs, rates, read_geo_2019(raw))
    links, misses = join_rates(rates, programs)
    by_rate = {r.id: r for r in rates}
    unresolved = fill_locations(programs, by_rate, links, read_centroids(raw))

    divisions = read_reference(ref, "census_divisions.csv", {"state_code", "division_number"})
    division_of = {row["state_code"]: row["division_number"] for row in divisions}
    code_of = {s.key: s.acgme_code for s in catalogue}
    institutions = read_institutions(raw)
    tracks = read_tracks(raw, institutions)
    nrmp_joined, nrmp_report = join_tracks(tracks, programs, code_of)
    pgy1, pgy1_report = pgy1_tracks(raw, tracks, programs)
    track_types: dict[str, set[str]] = {}
    for t in tracks:
        if t["acgme_id"]:
            track_types.setdefault(str(t["acgme_id"]), set()).add(str(t["track_type"]))
    default_entry = {s.key: s.entry_level for s in catalogue}
    for p in programs:
        state = str(p["state"])
        p["census_division"] = division_of.get(state, "")
        p["division_note"] = "territory: no census division" if is_territory(state) else ""
        kinds = track_types.get(str(p["acgme_id"]), set())
        spec_default = default_entry[str(p["specialty_key"])]
        if spec_default != "independent" and kinds & {"categorical", "primary care"}:
            p["entry_level"], p["entry_level_basis"] = "categorical", "NRMP 2026 tracks"
        elif spec_default != "independent" and "advanced" in kinds:
            p["entry_level"], p["entry_level_basis"] = "advanced", "NRMP 2026 tracks"
        else:
            p["entry_level"] = spec_default
            p["entry_level_basis"] = "estimate: the specialty's usual entry level"

    rate_rows = []
    for lk in links:
        r = by_rate[lk.left]
        if not r.reported:
            continue
        rate_rows.append(
            {
                "acgme_id": lk.right,
                "specialty_key": r.specialty_key,
                **r.rates,
                "join_score": round(lk.score, 1),
                "join_doubtful": lk.doubtful,
            }
        )
    rate_rows.sort(key=lambda row: str(row["acgme_id"]))

    program_ids = {str(p["acgme_id"]) for p in programs}
    freida, freida_report = read_freida(raw, program_ids)
    history = read_florida_history(raw, {str(t["program_code"]) for t in tracks})
    used_codes = {str(t["specialty_code"]) for t in tracks}
    specialties = [
        {
            "key": s.key,
            "name": s.name,
            "aliases": ";".join(s.aliases),
            "acgme_code": s.acgme_code,
            "nrmp_code": s.acgme_code if s.acgme_code in used_codes else "",
            "match": s.match,
            "entry_level": s.entry_level,
            "notes": s.notes,
        }
        for s in catalogue
    ]

    citable, restricted = split_evidence(
        copy_rows(ref, "evidence.csv", F.names(F.EVIDENCE), ["quantity", "specialty", "year"])
    )
    tables = {
        t.name: t
        for t in [
            Table("programs", "ACGME programs: one row per program", F.PROGRAMS, programs),
            Table("interview_rates", "Interview-offer rates by program", F.RATES, rate_rows),
            Table("freida_im", "FREIDA fields of Internal Medicine programs", F.FREIDA, freida),
            Table("nrmp_tracks", "NRMP 2026 Main Match tracks", F.TRACKS, tracks),
            Table("pgy1_tracks", "Transitional and preliminary PGY-1 tracks", F.PGY1, pgy1),
            Table(
                "program_positions",
                "Positions per program, sourced or estimated",
                F.POSITIONS,
                program_positions(programs, tracks, freida),
            ),
            Table("nrmp_fill_history", "Florida NRMP tracks by year", F.HISTORY, history),
            Table("specialties", "Specialty catalogue", F.SPECIALTIES, specialties),
            Table("signals", "Program signals by season", F.SIGNALS, signals(ref, catalogue)),
            Table(
                "fees",
                "Application and Match fees",
                F.FEES,
                copy_rows(
                    ref, "fees.csv", F.names(F.FEES), ["service", "season", "item", "from_count"]
                ),
            ),
            Table(
                "calendar",
                "Season calendars",
                F.CALENDAR,
                copy_rows(
                    ref, "calendar.csv", F.names(F.CALENDAR), ["match_year", "service", "date"]
                ),
            ),
            Table(
                "exams",
                "Exam facts",
                F.EXAMS,
                copy_rows(
                    ref, "exams.csv", F.names(F.EXAMS), ["exam", "fact_key", "effective_date"]
                ),
            ),
            Table(
                "census_divisions",
                "Census divisions",
                F.DIVISIONS,
                copy_rows(ref, "census_divisions.csv", F.names(F.DIVISIONS), ["state_code"]),
            ),
            Table("evidence", "Published effect sizes", F.EVIDENCE, citable),
            Table(
                "evidence_restricted",
                "Effect sizes and rates from NRMP or AAMC data",
                F.EVIDENCE_RESTRICTED,
                restricted,
            ),
            Table(
                "specialty_figures",
                "Specialty-level NRMP figures",
                F.FIGURES,
                specialty_figures(ref),
            ),
        ]
    }
    result = BuildResult(tables)
    result.counts = {
        "programs": len(programs),
        "specialties": len(specialties),
        "rate_rows": len(rates),
        "rate_rows_reported": sum(r.reported for r in rates),
        "rate_rows_reported_joined": len(rate_rows),
        "rate_rows_doubtful": sum(1 for r in rate_rows if r["join_doubtful"]),
        "programs_without_location": sum(1 for p in programs if p["latitude"] is None),
        "nrmp_tracks": len(tracks),
        "nrmp_tracks_joined": sum(1 for t in tracks if t["acgme_id"]),
        "nrmp_institution_joins": nrmp_joined,
        "pgy1_tracks": len(pgy1),
        "pgy1_tracks_located": sum(1 for t in pgy1 if t["latitude"] is not None),
        "freida_programs": len(freida),
    }
    result.report = {
        "interview_rates_unjoined": [
            f"{by_rate[m.left].specialty_key} | {by_rate[m.left].program} | "
            f"{by_rate[m.left].city}, {by_rate[m.left].state} | {m.reason}"
            for m in misses
            if by_rate[m.left].reported
        ],
        "interview_rates_doubtful": [
            f"{by_rate[lk.left].specialty_key} | {by_rate[lk.left].program} -> {lk.right} | "
            f"{lk.doubtful}"
            for lk in links
            if lk.doubtful and by_rate[lk.left].reported
        ],
        "locations_unresolved": unresolved,
        "locations_reconciled": relocated,
        "nrmp_doubtful": nrmp_report,
        "pgy1_state_only": pgy1_report,
        "freida": freida_report,
    }
    if labels is not None and labels.exists():
        result.precision = label_precision(labels, rates, links)
        doubtful = labels.with_name(DOUBTFUL_LABELS)
        if doubtful.exists():
            result.doubtful_precision = label_precision(doubtful, rates, links)
    write(result, out)
    return result


def label_precision(labels: Path, rates: list[Any], links: list[Any]) -> dict[str, float | int]:
    """Compare the joins with a hand-labelled sample.

    Two shapes are read: a truth column `acgme_id` (the program each row is, or NONE), or a
    proposal `proposed_acgme_id` with a `verdict` (CORRECT, WRONG or UNSURE) on it.
    """
    by_row = {(r.specialty_key, r.program, r.city, r.state): r.id for r in rates}
    catalogue = {s.rates_name: s.key for s in load_catalogue() if s.rates_name}
    joined = {lk.left: lk.right for lk in links}
    correct = wrong = missed = 0
    rows = read_csv(labels, {"rate_specialty", "rate_program", "rate_city", "rate_state"})
    if "acgme_id" not in rows[0] and not {"verdict", "proposed_acgme_id"} <= rows[0].keys():
        raise SourceError(f"{labels} has neither acgme_id nor verdict and proposed_acgme_id")
    for row in rows:
        spec = catalogue.get(row["rate_specialty"], "")
        rid = by_row.get((spec, row["rate_program"], row["rate_city"], row["rate_state"]))
        if rid is None:
            raise SourceError(f"{labels}: labelled row not in the rates files: {row}")
        got = joined.get(rid)
        if "verdict" in row:
            if row["verdict"] == "UNSURE":
                continue
            right = got == row["proposed_acgme_id"]
            if row["verdict"] == "WRONG":
                right = got is not None and not right
        else:
            right = got == row["acgme_id"]
            if got is None and row["acgme_id"] in ("NONE", "AMBIGUOUS"):
                continue
        if got is None:
            missed += 1
        elif right:
            correct += 1
        else:
            wrong += 1
    total = correct + wrong
    return {
        "labelled": correct + wrong + missed,
        "joined": total,
        "correct": correct,
        "wrong": wrong,
        "missed": missed,
        "precision": round(correct / total, 4) if total else 0.0,
    }


def write(result: BuildResult, out: Path) -> None:
    try:
        _write(result, out)
    except OSError as exc:
        raise SourceError(f"cannot write the dataset to {out}: {exc.strerror or exc}") from exc


def _write(result: BuildResult, out: Path) -> None:
    """Every file is written under a temporary name first, then renamed over the old one, so
    a build stopped midway leaves no file half written."""
    out.mkdir(parents=True, exist_ok=True)
    provenance: dict[str, Any] = {"tables": {}, "build_inputs": F.BUILD_INPUTS}
    digest = hashlib.sha256()
    files: dict[str, str] = {}
    for name, table in sorted(result.tables.items()):
        text = table.to_csv()
        files[f"{name}.csv"] = text
        digest.update(text.encode())
        provenance["tables"][name] = table.provenance()
    provenance["dataset_version"] = digest.hexdigest()[:12]
    provenance["counts"] = result.counts
    provenance["join_sample"] = result.precision
    provenance["join_sample_doubtful"] = result.doubtful_precision
    files["provenance.json"] = json.dumps(provenance, indent=1) + "\n"
    for name, text in files.items():
        (out / f".{name}.tmp").write_text(text, encoding="utf-8")
    for name in files:
        (out / f".{name}.tmp").replace(out / name)


def write_report(result: BuildResult, path: Path) -> None:
    """The build report: counts, the join sample's precision, and every row left unjoined
    or joined with doubt, so a person can check them."""
    lines = ["# Data build report", "", "Written by `smartpick data build`; do not edit.", ""]
    lines += ["## Counts", ""] + [f"- {k}: {v}" for k, v in result.counts.items()]
    if result.precision:
        lines += ["", "## Interview-rate join against the hand-labelled sample", ""]
        lines += [f"- {k}: {v}" for k, v in result.precision.items()]
    if result.doubtful_precision:
        lines += ["", "## Doubtful joins against their hand-labelled sample", ""]
        lines += [f"- {k}: {v}" for k, v in result.doubtful_precision.items()]
    titles = {
        "interview_rates_unjoined": "Interview-rate rows (with a reported rate) not joined",
        "interview_rates_doubtful": "Interview-rate rows joined with doubt",
        "locations_unresolved": "Programs whose location could not be completed",
        "locations_reconciled": "Program locations checked against the interview-rate file",
        "nrmp_doubtful": "NRMP institutions whose best join was doubtful (left unjoined)",
        "freida": "FREIDA rows not used",
    }
    for key, title in titles.items():
        items = result.report.get(key, [])
        lines += ["", f"## {title} ({len(items)})", ""] + [f"- {item}" for item in items]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as exc:
        reason = exc.strerror or exc
        raise SourceError(f"cannot write the build report to {path}: {reason}") from exc
