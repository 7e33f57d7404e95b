"""Readers for the raw sources. Each knows its folder, its citation and its caveats."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from smartpick.errors import DataError


@dataclass(frozen=True)
class Source:
    """Where a raw table came from, as its SOURCE.md records it."""

    key: str
    citation: str
    year: str
    confidence: str  # primary / secondary / unverified

    def as_dict(self) -> dict[str, str]:
        return {
            "source": self.citation,
            "year": self.year,
            "confidence": self.confidence,
        }


SOURCES = {
    s.key: s
    for s in [
        Source(
            "couples_match_builder",
            "ACGME program list as scraped in bsimpson1268/couples-match-builder "
            "src/programList.js, src/programMeta.js @ 4558f60f (2025-06-14)",
            "2025",
            "secondary",
        ),
        Source(
            "signal_interview_rates",
            "datadoc1/signal-analysis data/*.csv @ 8b3b9f36 (MIT); origin of the figures not "
            "stated, probably AAMC program signaling data for ERAS 2024",
            "2024",
            "unverified",
        ),
        Source(
            "freida_im_2025",
            "AMA FREIDA Internal Medicine snapshot in avinashsvinu/scapper "
            "freida_programs_output_with_academic_year.csv @ f9cebffa (data updated 2025-03)",
            "2025",
            "secondary",
        ),
        Source(
            "nrmp_program_results_2026",
            "NRMP 2026 Main Residency Match program results, as compiled in "
            "zanecn/PSLF-Discussion-Analysis nrmp_program_level_2026.csv @ f5ce2ac8",
            "2026",
            "secondary",
        ),
        Source(
            "wavegate_nrmp_codes",
            "NRMP program and institution codes (2024 Match) in wavegate/residency-match "
            "seed/*.csv @ cdd73a11",
            "2024",
            "secondary",
        ),
        Source(
            "nrmp_florida_dashboard",
            "NRMP program results 2020-2026, Florida programs, in flchildrenshospitals/"
            "nrmp-dashboard public/NRMP_2020_2026_Main_and_Specialty.csv @ 74da0c2b",
            "2020-2026",
            "secondary",
        ),
        Source(
            "tyler_acgme_obgyn",
            "US city centroids (cityStateToLatLong) in mufflyt/tyler data/*.rda @ 76de916b (MIT)",
            "2024",
            "secondary",
        ),
    ]
}


def read_csv(path: Path, *, encoding: str = "utf-8") -> list[dict[str, str]]:
    """All rows of a CSV file as dicts; a clear DataError if it is missing or unreadable."""
    try:
        with path.open(encoding=encoding, newline="") as handle:
            return [dict(row) for row in csv.DictReader(handle)]
    except FileNotFoundError as exc:
        raise DataError(
            f"raw file not found: {path}",
            hint="Point --raw at the shared data folder (it holds raw/ and reference/).",
        ) from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc


def require_columns(rows: list[dict[str, str]], columns: set[str], path: Path) -> None:
    if rows and not columns <= rows[0].keys():
        missing = ", ".join(sorted(columns - rows[0].keys()))
        raise DataError(f"{path} lacks the columns {missing}")


def iter_rate_files(raw: Path) -> Iterator[tuple[str, Path]]:
    folder = raw / "signal_interview_rates" / "data"
    if not folder.is_dir():
        raise DataError(f"raw folder not found: {folder}")
    for path in sorted(folder.glob("*.csv")):
        yield path.stem, path
