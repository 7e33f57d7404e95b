"""Readers for the raw sources. Each knows its folder, its citation and its caveats."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from smartpick.errors import SourceError


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


REDOWNLOAD = (
    "The file looks damaged: restore it from the source its SOURCE.md names, or from a fresh "
    "copy of the shared data folder."
)

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


_EXTRA = "\x00extra"  # DictReader's key for cells beyond the header


def read_csv(
    path: Path, columns: Iterable[str] = (), *, encoding: str = "utf-8"
) -> list[dict[str, str]]:
    """All rows of a CSV file as dicts. A clear SourceError if the file is missing, unreadable,
    lacks one of `columns`, has a row whose cells do not match its header, or has no rows."""
    try:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.DictReader(handle, restkey=_EXTRA)
            header = reader.fieldnames or []
            if not header:
                raise SourceError(f"{path} is empty: it has no header row", hint=REDOWNLOAD)
            missing = sorted(set(columns) - set(header))
            if missing:
                raise SourceError(
                    f"{path} lacks the column(s) {', '.join(missing)}", hint=REDOWNLOAD
                )
            rows: list[dict[str, str]] = []
            for row in reader:
                if _EXTRA in row or None in row.values():
                    cells = len(header) + len(row.get(_EXTRA, ())) - list(row.values()).count(None)
                    raise SourceError(
                        f"{path}:{reader.line_num}: {cells} cells where the header has "
                        f"{len(header)}",
                        hint=REDOWNLOAD,
                    )
                rows.append(row)
    except FileNotFoundError as exc:
        raise SourceError(
            f"raw file not found: {path}",
            hint="Point --raw at the shared data folder (it holds raw/ and reference/).",
        ) from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SourceError(f"cannot read {path}: {exc}", hint=REDOWNLOAD) from exc
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not rows:
        raise SourceError(f"{path} has a header but no rows", hint=REDOWNLOAD)
    return rows


def number(value: str, where: str) -> float:
    """A finite number from a cell; SourceError naming `where` (file:line column) if not."""
    try:
        x = float(value)
    except ValueError:
        raise SourceError(f"{where}: '{value}' is not a number", hint=REDOWNLOAD) from None
    if not math.isfinite(x):
        raise SourceError(f"{where}: '{value}' is not a finite number", hint=REDOWNLOAD)
    return x


def whole(value: str, where: str) -> int:
    """A whole number from a cell; SourceError naming `where` if not."""
    try:
        return int(value.strip())
    except ValueError:
        raise SourceError(f"{where}: '{value}' is not a whole number", hint=REDOWNLOAD) from None


def iter_rate_files(raw: Path) -> Iterator[tuple[str, Path]]:
    folder = raw / "signal_interview_rates" / "data"
    if not folder.is_dir():
        raise SourceError(f"raw folder not found: {folder}")
    for path in sorted(folder.glob("*.csv")):
        yield path.stem, path
