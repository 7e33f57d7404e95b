"""Positions per program: sourced where a source gives them, else a labelled estimate."""

from __future__ import annotations

import statistics
from collections import defaultdict

# Track types that take entering applicants into the program's own specialty. Preliminary
# tracks are PGY-1 years for other specialties; reserved tracks need prior GME.
ENTRY_TRACKS = {"categorical", "advanced", "primary care"}


def program_positions(
    programs: list[dict[str, object]],
    tracks: list[dict[str, object]],
    freida: list[dict[str, object]],
) -> list[dict[str, object]]:
    """One row per program: positions, the basis of the number, and how it was made."""
    nrmp: dict[str, int] = defaultdict(int)
    for t in tracks:
        if t["acgme_id"] and t["track_type"] in ENTRY_TRACKS:
            nrmp[str(t["acgme_id"])] += int(str(t["quota_2026"]))
    first_year = {
        str(f["acgme_id"]): int(str(f["first_year_positions"]))
        for f in freida
        if f["first_year_positions"] not in (None, "")
    }
    by_specialty: dict[str, list[int]] = defaultdict(list)
    for p in programs:
        if str(p["acgme_id"]) in nrmp:
            by_specialty[str(p["specialty_key"])].append(nrmp[str(p["acgme_id"])])
    rows: list[dict[str, object]] = []
    for p in programs:
        pid, spec = str(p["acgme_id"]), str(p["specialty_key"])
        known = by_specialty.get(spec, [])
        row: tuple[int | None, str, str]
        if pid in nrmp:
            row = (nrmp[pid], "sourced", "sum of the quotas of its C, A and M tracks in NRMP 2026")
        elif pid in first_year:
            row = (first_year[pid], "sourced", "FREIDA 2025 first-year positions (all tracks)")
        elif known:
            median = round(statistics.median(known))
            method = f"estimate: median of the {len(known)} programs of the specialty in NRMP 2026"
            row = (median, "estimate", method)
        else:
            row = (None, "missing", "no source gives positions for this specialty")
        rows.append({"acgme_id": pid, "positions": row[0], "basis": row[1], "method": row[2]})
    return rows
