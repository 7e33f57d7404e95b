"""Reference figures (../shared/data/reference): specialties, seasons and specialty-level facts."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from smartpick.build.catalogue import CuratedSpecialty
from smartpick.build.sources import number, read_csv, whole
from smartpick.core.catalog import PGY1_YEARS
from smartpick.errors import SourceError

APPLICANT_TYPES = ("md", "do", "us-img", "non-us-img")


def _keys(raw_key: str, known: set[str]) -> list[str]:
    """Our specialty keys for a reference `specialty_key` (combined groups use '+')."""
    if not raw_key:
        return []
    parts = raw_key.split("+")
    out = []
    for part in parts:
        if part in known:
            out.append(part)
        elif part == "interventional_radiology" and "interventional_radiology_integrated" in known:
            out.append("interventional_radiology_integrated")
        elif part == "diagnostic_radiology" and part in known:
            out.append(part)
    return out


def read_reference(ref: Path, name: str, columns: set[str]) -> list[dict[str, str]]:
    path = ref / name
    rows = read_csv(path, columns | {"source", "confidence"})
    for line, row in enumerate(rows, start=2):
        if row["confidence"] not in ("primary", "secondary", "unverified"):
            raise SourceError(f"{path}:{line}: confidence '{row['confidence']}' is not recognized")
    return rows


# SmartPick's own cited signal rows (issue 14), added after the shared reference's: a fact the
# reference lacks or states from a weaker source, each row with its source and confidence.
SIGNALS_ADDED = "signals_added.csv"


def signals(ref: Path, catalogue: list[CuratedSpecialty]) -> list[dict[str, object]]:
    # The PGY-1 years (transitional, preliminary) have signal rules too.
    known = {s.key for s in catalogue} | {y.key for y in PGY1_YEARS}
    out: list[dict[str, object]] = []
    columns = {"season", "specialty_key", "application_service", "gold", "silver", "specialty",
               "single_tier_count", "signal_statement", "notes"}  # fmt: skip
    own = Path(str(resources.files("smartpick.build").joinpath(SIGNALS_ADDED)))
    numbered = [
        (path, line, row)
        for path in (ref / "signals.csv", own)
        for line, row in enumerate(read_reference(path.parent, path.name, columns), start=2)
    ]
    for path, line, row in numbered:
        keys = _keys(row["specialty_key"], known)
        if not row["specialty_key"]:
            keys = ["*"]  # "all other specialties" rows
        for key in keys:
            out.append(
                {
                    "season": whole(row["season"], f"{path}:{line} season"),
                    "specialty_key": key,
                    "service": row["application_service"],
                    "gold": row["gold"],
                    "silver": row["silver"],
                    "single_tier": row["single_tier_count"],
                    "signal_statement": row["signal_statement"],
                    "source_specialty": row["specialty"],
                    "from_group": "+" in row["specialty_key"],
                    "notes": row["notes"],
                    "source": row["source"],
                    "confidence": row["confidence"],
                }
            )
            out[-1]["fact_id"] = fact_id(out[-1])
    return out


# SmartPick's own cited rows (issue 15), added after a reference file's: facts the shared
# reference lacks (ECFMG certification and the NRMP's verification of it; program screens on
# the year of graduation), each row with its source and confidence.
ADDED = {"exams.csv": "exams_added.csv", "evidence.csv": "evidence_added.csv"}


def copy_rows(
    ref: Path, name: str, columns: list[str], order: list[str]
) -> list[dict[str, object]]:
    """Rows of a reference file (and of SmartPick's rows added to it, ADDED) with the named
    columns and their source and confidence, sorted by the `order` columns so that lookups
    and diffs are stable."""
    columns = [c for c in columns if c not in DERIVED]
    paths = [ref / name]
    if name in ADDED:
        paths.append(Path(str(resources.files("smartpick.build").joinpath(ADDED[name]))))
    numbered = [
        (path.parent, path.name, line, row)
        for path in paths
        for line, row in enumerate(read_reference(path.parent, path.name, set(columns)), start=2)
    ]
    out: list[dict[str, object]] = []
    for folder, file, line, row in numbered:
        for column in columns:
            check = KINDS.get(column)
            if check is not None and row[column].strip():
                check(row[column], f"{folder / file}:{line} {column}")
        item: dict[str, object] = {c: row[c] for c in [*columns, "source", "confidence"]}
        item["fact_id"] = fact_id(item)
        if "event" in row:
            item["event_key"] = event_key(row["event"])
        out.append(item)
    out.sort(key=lambda item: tuple(str(item.get(c, "")) for c in order))
    return out


DERIVED = {"event_key", "fact_id"}


def _iso_date(value: str, where: str) -> object:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise SourceError(f"{where}: '{value}' is not a date (YYYY-MM-DD)") from None


# Columns of the copied reference files that SmartPick reads as numbers or dates: checked at
# build time (empty stays allowed: a missing figure stays missing), copied as written.
KINDS: dict[str, Callable[[str, str], object]] = {
    **dict.fromkeys(["season", "match_year", "from_count", "to_count", "division_number"], whole),
    **dict.fromkeys(["amount_usd", "value_low", "value_high"], number),
    **dict.fromkeys(["date", "effective_date"], _iso_date),
}


def fact_id(row: dict[str, object]) -> str:
    """A stable id for a cited fact, from its content, so outputs can point at it."""
    text = "\x1f".join(str(v) for v in row.values())
    return hashlib.sha256(text.encode()).hexdigest()[:10]


# Calendar events that SmartPick looks up, by words their description contains.
_EVENTS = [
    ("programs may begin reviewing", "review_opens"),
    ("programs may view applications", "review_opens"),
    ("may begin submitting", "submission_opens"),
    ("season begins", "service_opens"),
    ("residencycas opens", "service_opens"),
    ("season ends", "service_closes"),
    ("application deadline", "application_deadline"),
    ("score requests open", "score_requests_open"),
    ("mspe release", "mspe_release"),
    ("applicant registration opens", "registration_opens"),
    ("applicant and medical-school registration opens", "registration_opens"),
    ("standard registration deadline", "registration_deadline"),
    ("ranking opens", "ranking_opens"),
    ("rank order list certification deadline", "rol_deadline"),
    ("match week and soap begin", "match_week"),
    ("match day results released", "match_day_release"),
    ("match day", "match_day"),
]


def event_key(event: str) -> str:
    """A stable key for a calendar event, or '' for events SmartPick does not look up."""
    text = event.lower()
    return next((k for words, k in _EVENTS if words in text), "")


@dataclass(frozen=True)
class _FigureFile:
    """A reference file of specialty-level figures: which columns become which metric."""

    name: str
    metrics: Mapping[str, str]  # column -> metric
    applicant_type: str  # "" : the row's own applicant_type column
    report: str  # "" : the row's own report column
    extra: tuple[str, ...]  # other columns the file must have


_FIGURE_FILES = (
    _FigureFile(
        "charting_outcomes_2026_us_md_step2.csv",
        {
            "matched_n": "matched_n",
            "q1": "step2_matched_q1",
            "median": "step2_matched_median",
            "q3": "step2_matched_q3",
            "not_matched_n": "not_matched_n",
            "not_matched_median": "step2_not_matched_median",
        },
        "md",
        "",
        ("report",),
    ),
    _FigureFile(
        "charting_outcomes_2026_non_us_img_step2.csv",
        {
            "ranked_first_n": "ranked_first_n",
            "matched_n": "matched_n",
            "match_rate": "preferred_specialty_match_rate",
            "median": "step2_matched_median",
            "mean": "step2_matched_mean",
            "q1": "step2_matched_q1",
            "q3": "step2_matched_q3",
            "step2_matched_n": "step2_matched_consented_n",
            "step2_not_matched_n": "step2_not_matched_consented_n",
            "not_matched_median": "step2_not_matched_median",
            "not_matched_mean": "step2_not_matched_mean",
            "unweighted_mean_match_rate": "unweighted_mean_match_rate",
        },
        "non-us-img",
        "",
        ("report",),
    ),
    _FigureFile(
        "charting_outcomes_2024_means.csv",
        {
            "n_matched": "matched_n",
            "n_unmatched": "not_matched_n",
            "match_rate": "preferred_specialty_match_rate",
            "step2_mean_matched": "step2_matched_mean",
            "step2_mean_unmatched": "step2_not_matched_mean",
            "pubs_mean_matched": "publications_matched_mean",
        },
        "",
        "NRMP Charting Outcomes 2024 (as cited per row)",
        ("applicant_type",),
    ),
    _FigureFile(
        "fill_by_specialty_2025.csv",
        {
            c: c
            for c in (
                "programs",
                "positions_offered",
                "positions_filled",
                "fill_rate",
                "us_md_senior_share",
                "us_do_senior_share",
                "us_img_share",
                "non_us_img_share",
                "unfilled_after_match",
            )
        },
        "all",
        "NRMP Results and Data 2025 (as cited per row)",
        (),
    ),
)


# Long-form reference files (one quantity per row, December 2026): the metric is the
# quantity, with a prefix naming the data system where the quantity does not.
_LONG_COLUMNS = ("year", "specialty_key", "applicant_type", "quantity", "value")
_LONG_FILES: dict[str, tuple[str, str]] = {
    "applications_per_applicant.csv": ("eras:", "AAMC ERAS statistics (as cited per row)"),
    "rank_lists_and_interviews.csv": ("", "Rank order lists and interviews (as cited per row)"),
    "charting_outcomes_2026_non_us_img_contiguous_ranks.csv": (
        "",
        "NRMP Charting Outcomes 2026, non-U.S. IMGs, per-specialty tables",
    ),
}
# The non-U.S. IMG experiences file is wide (one row per specialty, measure and group) and
# names specialties only: their keys come from the contiguous-ranks file of the same source.
_EXPERIENCES = "charting_outcomes_2026_non_us_img_experiences.csv"
_EXPERIENCE_STATS = ("n", "min", "q1", "median", "q3", "max", "mean", "sd")
_IMG_REPORT = "NRMP Charting Outcomes 2026, non-U.S. IMGs, per-specialty tables"


def specialty_figures(ref: Path) -> list[dict[str, object]]:
    """Specialty-level NRMP figures in long form: one cited fact per row."""
    out: list[dict[str, object]] = []

    def add(
        row: dict[str, str], year: str, key: str, atype: str, metric: str, value: str, report: str
    ) -> None:
        if value.strip() == "":
            return
        where = f"{report}: {key} {metric}"
        out.append(
            {
                "year": whole(year, where) if year.strip() else None,
                "specialty_key": key,
                "applicant_type": atype or "unstated",
                "metric": metric,
                "value": number(value, where),
                "report": report,
                "source": row["source"],
                "confidence": row["confidence"],
            }
        )

    for spec in _FIGURE_FILES:
        columns = {"specialty_key", "year", *spec.extra, *spec.metrics}
        for row in read_reference(ref, spec.name, columns):
            atype = spec.applicant_type or row["applicant_type"]
            report = spec.report or row["report"]
            for col, metric in spec.metrics.items():
                add(row, row["year"], row["specialty_key"], atype, metric, row[col], report)
    for name, (prefix, report) in _LONG_FILES.items():
        for row in read_reference(ref, name, {*_LONG_COLUMNS}):
            quantity = row["quantity"].removeprefix("eras_")
            add(
                row,
                row["year"],
                row["specialty_key"],
                row["applicant_type"] or "all",
                f"{prefix}{quantity}",
                row["value"],
                report,
            )
    keys = {
        row["specialty"]: row["specialty_key"]
        for row in read_reference(ref, "charting_outcomes_2026_non_us_img_contiguous_ranks.csv",
                                  {"specialty", "specialty_key"})
    }  # fmt: skip
    columns = {"year", "specialty", "applicant_type", "measure", "group", *_EXPERIENCE_STATS}
    for line, row in enumerate(read_reference(ref, _EXPERIENCES, columns), start=2):
        key = keys.get(row["specialty"])
        if key is None:
            raise SourceError(
                f"{ref / _EXPERIENCES}:{line}: specialty '{row['specialty']}' is not named in "
                "the contiguous-ranks file of the same source"
            )
        group = row["group"].replace(" ", "_")
        for stat in _EXPERIENCE_STATS:
            metric = f"{row['measure']}_{group}_{stat}"
            add(row, row["year"], key, row["applicant_type"], metric, row[stat], _IMG_REPORT)
    totals = read_reference(
        ref, "match_totals.csv", {"metric", "year", "applicant_type", "match", "value"}
    )
    for row in totals:
        atype = row["applicant_type"] or "all"
        add(
            row,
            row["year"],
            "all",
            atype,
            f"{row['match']}:{row['metric']}",
            row["value"],
            "NRMP Match totals (as cited per row)",
        )
    return out


# Evidence rows whose figures are NRMP or AAMC data (or the interview-rate file's means) are
# derive-only like those reports; the rest are published studies that may be cited.
_RESTRICTED = ("nrmp", "aamc", "eras averages", "datadoc1/signal-analysis")


def split_evidence(
    rows: list[dict[str, object]],
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """(citable, restricted) rows of evidence.csv, by who the figure belongs to."""
    citable: list[dict[str, object]] = []
    restricted: list[dict[str, object]] = []
    for row in rows:
        text = f"{row['citation']} {row['source']}".lower()
        (restricted if any(word in text for word in _RESTRICTED) else citable).append(row)
    return citable, restricted
