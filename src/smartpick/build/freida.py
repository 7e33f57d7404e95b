"""FREIDA Internal Medicine fields, joined to programs by ACGME id."""

from __future__ import annotations

import ast
import math
from pathlib import Path

from smartpick.build.sources import read_csv

SETTINGS = {
    "University-based": "university",
    "Community-based university affiliated": "community, university-affiliated",
    "Community-based": "community",
    "Military-based": "military",
    "Other": "other",
}


def visa_policy(raw: str) -> tuple[str, str]:
    """(J-1, H-1B) as 'yes', 'no' or 'unknown' from FREIDA's list of accepted visa statuses.

    An empty list is unknown; a list that names other statuses but not J-1 or H-1B means the
    program does not sponsor that visa.
    """
    try:
        items = ast.literal_eval(raw) if raw.strip() else []
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return "unknown", "unknown"
    if not isinstance(items, list | tuple):  # a damaged cell can hold any literal: -1, 'x'
        return "unknown", "unknown"
    values = [str(i.get("value", "")) if isinstance(i, dict) else str(i) for i in items]
    if not values:
        return "unknown", "unknown"
    j1 = "yes" if any("J-1" in v for v in values) else "no"
    h1b = "yes" if any("H-1B" in v for v in values) else "no"
    return j1, h1b


COLUMNS = {
    "program_id", "program_name_suffix", "first_year_positions", "interviews_conducted_last_year",
    "pct_usmd", "pct_do", "pct_img", "program_best_described_as", "visa_statuses_accepted",
    "participates_in_eras",
}  # fmt: skip


def _number(value: str) -> float | None:
    """A figure, or None where FREIDA shows none (empty, text, or not a finite number)."""
    try:
        x = float(value) if value.strip() else None
    except ValueError:
        return None
    return x if x is not None and math.isfinite(x) else None


def read_freida(raw: Path, program_ids: set[str]) -> tuple[list[dict[str, object]], list[str]]:
    path = raw / "freida_im_2025" / "freida_im_programs_2025.csv"
    rows = read_csv(path, COLUMNS)
    out: list[dict[str, object]] = []
    report: list[str] = []
    seen: set[str] = set()
    for row in rows:
        acgme_id = row["program_id"].strip().zfill(10)
        if acgme_id in seen:
            report.append(f"{acgme_id}: listed twice in FREIDA; the first row is kept")
            continue
        seen.add(acgme_id)
        if acgme_id not in program_ids:
            report.append(f"{acgme_id} {row['program_name_suffix']}: not in the program list")
            continue
        j1, h1b = visa_policy(row["visa_statuses_accepted"])
        positions = _number(row["first_year_positions"])
        interviews = _number(row["interviews_conducted_last_year"])
        out.append(
            {
                "acgme_id": acgme_id,
                # A 0 is read as not reported: a program without first-year positions or
                # interviews could not be applied to (17 and 35 such rows in the 2025 file).
                "first_year_positions": int(positions) if positions else None,
                "interviews_conducted": int(interviews) if interviews else None,
                "pct_usmd": _number(row["pct_usmd"]),
                "pct_do": _number(row["pct_do"]),
                "pct_img": _number(row["pct_img"]),
                "setting": SETTINGS.get(row["program_best_described_as"].strip(), ""),
                "visa_j1": j1,
                "visa_h1b": h1b,
                "participates_in_eras": {"True": "yes", "False": "no"}.get(
                    row["participates_in_eras"].strip(), "unknown"
                ),
            }
        )
    return out, report
