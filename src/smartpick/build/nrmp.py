"""NRMP tracks: 2026 program results, institution codes, and their join to ACGME programs.

NRMP publishes results per track (institution code + specialty code + track letter), not per
ACGME program. A track joins a program only when its institution's name and state match one
program of the same specialty code with confidence; everything else stays unjoined and is
listed in the build report.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from smartpick.build.joiner import Entry, link
from smartpick.build.sources import read_csv, whole
from smartpick.core.geography import normalize_state
from smartpick.errors import SourceError

TRACK_TYPES = {
    "C": "categorical",
    "P": "preliminary",
    "A": "advanced",
    "R": "reserved",
    "M": "primary care",
}

_CODE = re.compile(r"^[0-9]{7}[A-Z][0-9]$")


def read_institutions(raw: Path) -> dict[str, tuple[str, str]]:
    """NRMP institution code -> (name without the state suffix, state or '')."""
    path = raw / "wavegate_nrmp_codes" / "institutions.csv"
    rows = read_csv(path, {"name", "institutionCode"})
    out: dict[str, tuple[str, str]] = {}
    for row in rows:
        code = row["institutionCode"].strip().zfill(4)
        name = row["name"].strip()
        state = ""
        head, _, tail = name.rpartition("-")
        if head and normalize_state(tail) and len(tail.strip()) == 2:
            name, state = head.strip(), tail.strip().upper()
        out[code] = (name, state)
    return out


def read_tracks(raw: Path, institutions: dict[str, tuple[str, str]]) -> list[dict[str, object]]:
    path = raw / "nrmp_program_results_2026" / "program_results_2026.csv"
    rows = read_csv(path, {"program_code", "state", "track_name", "quota", "filled"})
    tracks: list[dict[str, object]] = []
    for line, row in enumerate(rows, start=2):
        code = row["program_code"].strip()
        if not _CODE.match(code):
            raise SourceError(f"{path}:{line}: '{code}' is not an NRMP program code")
        try:
            quota, filled = int(row["quota"]), int(row["filled"])
        except ValueError as exc:
            raise SourceError(f"{path}:{line}: quota and filled must be whole numbers") from exc
        if not 0 <= filled <= quota:
            raise SourceError(f"{path}:{line}: filled {filled} is outside 0..quota {quota}")
        inst = code[:4]
        name, state = institutions.get(inst, ("", ""))
        tracks.append(
            {
                "program_code": code,
                "institution_code": inst,
                "institution": name,
                "state": state,
                "state_source": "wavegate_nrmp_codes" if state else "",
                "specialty_code": code[4:7],
                "track_type": TRACK_TYPES.get(code[7], code[7]),
                "track_name": row["track_name"].strip(),
                "quota_2026": quota,
                "filled_2026": filled,
                "acgme_id": "",
                "join_note": "",
            }
        )
    return tracks


def join_tracks(
    tracks: list[dict[str, object]], programs: list[dict[str, object]], code_of: dict[str, str]
) -> tuple[int, list[str]]:
    """Set `acgme_id` on tracks whose institution joins one program of the same specialty.

    Only sure links count (a high name score, no close rival, same state); a doubtful one is
    reported and left unjoined. Returns the number of institutions joined and the report lines.
    """
    by_spec: dict[str, dict[str, list[dict[str, object]]]] = defaultdict(lambda: defaultdict(list))
    for t in tracks:
        by_spec[str(t["specialty_code"])][str(t["institution_code"])].append(t)
    report: list[str] = []
    joined = 0
    for spec_code, insts in sorted(by_spec.items()):
        rights = [
            Entry(str(p["acgme_id"]), str(p["name"]), "", str(p["state"]))
            for p in programs
            if code_of[str(p["specialty_key"])] == spec_code
        ]
        if not rights:
            for inst_tracks in insts.values():
                for t in inst_tracks:
                    t["join_note"] = "no ACGME program of this specialty in the program list"
            continue
        lefts = [
            Entry(inst, str(ts[0]["institution"]), "", str(ts[0]["state"]))
            for inst, ts in insts.items()
            if ts[0]["institution"] and ts[0]["state"]
        ]
        links, misses = link(lefts, rights, floor=85.0, sure=92.0, margin=5.0)
        for lk in links:
            if lk.doubtful:
                for t in insts[lk.left]:
                    t["join_note"] = f"doubtful, left unjoined: {lk.doubtful}"
                report.append(f"{spec_code} {lk.left}: doubtful join to {lk.right} ({lk.doubtful})")
                continue
            joined += 1
            for t in insts[lk.left]:
                t["acgme_id"] = lk.right
        for miss in misses:
            for t in insts[miss.left]:
                t["join_note"] = miss.reason
        for ts in insts.values():
            if not (ts[0]["institution"] and ts[0]["state"]):
                for t in ts:
                    t["join_note"] = "institution code not in the 2024 code list, or no state"
    return joined, report


def read_florida_history(raw: Path, codes: set[str]) -> list[dict[str, object]]:
    """Quota and matched per year for Florida's Main Match tracks (0/0 = not in that Match)."""
    path = raw / "nrmp_florida_dashboard" / "NRMP_2020_2026_Main_and_Specialty.csv"
    rows = read_csv(path, {"Table", "Program Code"}, encoding="utf-8-sig")
    out: list[dict[str, object]] = []
    for line, row in enumerate(rows, start=2):
        if row["Table"] != "Main":
            continue
        code = row["Program Code"].strip()
        for year in range(2020, 2027):
            quota, matched = row.get(f"{year} Quota", ""), row.get(f"{year} Matched", "")
            if not quota or not matched or (quota == "0" and matched == "0"):
                continue
            out.append(
                {
                    "program_code": code,
                    "year": year,
                    "quota": whole(quota, f"{path}:{line} {year} Quota"),
                    "matched": whole(matched, f"{path}:{line} {year} Matched"),
                    "in_2026_results": "yes" if code in codes else "no",
                }
            )
    return out
