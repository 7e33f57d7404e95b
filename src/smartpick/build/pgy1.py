"""The PGY-1 years: transitional and preliminary tracks of the NRMP 2026 results.

Advanced specialties (Dermatology, Radiology, ...) start at PGY-2; their applicants also
match a one-year position: a transitional year (NRMP specialty code 999) or a preliminary
year in Internal Medicine (140, track P) or Surgery (440, track P). These tracks have NRMP
codes, not ACGME ids, so the code is their id.

Each track gets its institution's name and state from the NRMP institution codes; where the
2024 code list has no state, the state comes from the results file, which is wrong for a
few institutions (said per row). The city and coordinates come from an ACGME program of the
same institution where that is sure: a track of the same institution already joined to an
ACGME program (build.nrmp), else a sure name join of the institution to an ACGME program
in its state; otherwise the row has the state only, and says so.

`anchor_acgme_id` is the same institution's Internal Medicine program, which the chance
prior reads for every PGY-1 year (core.plan.pgy1 says why).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from smartpick.build.joiner import Entry, link
from smartpick.build.sources import read_csv
from smartpick.core.catalog import PGY1_STAND_IN, PGY1_YEARS

# NRMP specialty code and track letter -> SmartPick key of the PGY-1 year.
KINDS = {(y.nrmp_code, "preliminary"): y.key for y in PGY1_YEARS}
RESULTS_STATE = "nrmp_program_results_2026 (the results file's state; wrong for a few institutions)"


def _results_states(raw: Path) -> dict[str, str]:
    path = raw / "nrmp_program_results_2026" / "program_results_2026.csv"
    return {r["program_code"].strip(): r["state"].strip() for r in read_csv(path, {"state"})}


def pgy1_tracks(
    raw: Path,
    tracks: list[dict[str, object]],
    programs: list[dict[str, object]],
) -> tuple[list[dict[str, object]], list[str]]:
    """The PGY-1 rows, and report lines for the institutions whose location stayed a state."""
    states = _results_states(raw)
    by_id = {str(p["acgme_id"]): p for p in programs}
    # ACGME programs joined to any track of an institution (build.nrmp's sure joins).
    joined: dict[str, list[dict[str, object]]] = defaultdict(list)
    for t in tracks:
        if t["acgme_id"]:
            joined[str(t["institution_code"])].append(by_id[str(t["acgme_id"])])
    rows: list[dict[str, object]] = []
    for t in tracks:
        kind = KINDS.get((str(t["specialty_code"]), str(t["track_type"])))
        if kind is None:
            continue
        code = str(t["program_code"])
        state, state_source = str(t["state"]), str(t["state_source"])
        if not state and states.get(code):
            state, state_source = states[code], RESULTS_STATE
        rows.append(
            {
                "program_code": code,
                "kind": kind,
                "institution_code": t["institution_code"],
                "institution": t["institution"],
                "track_name": t["track_name"],
                "state": state,
                "state_source": state_source,
                "city": "",
                "latitude": None,
                "longitude": None,
                "location_source": "",
                "anchor_acgme_id": "",
            }
        )
    named = _name_joins(rows, programs)
    report: list[str] = []
    for row in rows:
        inst = str(row["institution_code"])
        candidates = joined.get(inst) or named.get(inst, [])
        parent = [p for p in candidates if p["specialty_key"] == PGY1_STAND_IN]
        if parent:
            row["anchor_acgme_id"] = parent[0]["acgme_id"]
        located = [p for p in parent + candidates if p["latitude"] is not None]
        if located and (not row["state"] or located[0]["state"] == row["state"]):
            p = located[0]
            row |= {"city": p["city"], "latitude": p["latitude"], "longitude": p["longitude"]}
            row["state"] = row["state"] or p["state"]
            how = "joined NRMP track" if inst in joined else "sure name join"
            row["location_source"] = (
                f"ACGME program {p['acgme_id']} of the same institution ({how})"
            )
        else:
            row["location_source"] = "state only: no sure join to an ACGME program"
            report.append(f"{row['program_code']} {row['institution'] or '(unnamed)'}: state only")
    rows.sort(key=lambda r: (str(r["kind"]), str(r["program_code"])))
    return rows, report


def _name_joins(
    rows: list[dict[str, object]], programs: list[dict[str, object]]
) -> dict[str, list[dict[str, object]]]:
    """Institution code -> the ACGME programs whose name and city join the institution's name
    surely (a sure link in the same state, no rival with another city within the margin)."""
    insts: dict[str, tuple[str, str]] = {}
    for r in rows:
        if r["institution"] and r["state"]:
            insts[str(r["institution_code"])] = (str(r["institution"]), str(r["state"]))
    places: dict[tuple[str, str, str], list[dict[str, object]]] = defaultdict(list)
    for p in programs:
        places[(str(p["name"]), str(p["city"]), str(p["state"]))].append(p)
    keys = list(places)
    rights = [Entry(str(i), k[0], k[1], k[2]) for i, k in enumerate(keys)]
    lefts = [Entry(code, name, "", state) for code, (name, state) in insts.items()]
    links, _ = link(lefts, rights, floor=85.0, sure=92.0, margin=5.0)
    return {lk.left: places[keys[int(lk.right)]] for lk in links if not lk.doubtful}
