"""The specialty figures as one table: per (specialty, type) the latest year's figures, each
from its strongest source, with where each came from."""

from __future__ import annotations

from collections import defaultdict

_CONFIDENCE = {"primary": 0, "secondary": 1, "unverified": 2}


def figures_table(
    rows: list[dict[str, str]],
) -> tuple[
    dict[tuple[str, str], dict[str, float]],
    dict[tuple[str, str], int],
    dict[tuple[str, str, str], str],
]:
    """Per (specialty, type): the latest year's figures, the stronger source where two
    transcriptions give one figure; and the source of each figure used."""
    latest: dict[tuple[str, str], int] = {}
    for r in rows:
        if r["year"]:
            key = (r["specialty_key"], r["applicant_type"])
            latest[key] = max(latest.get(key, 0), int(r["year"]))
    chosen: dict[tuple[str, str, str], dict[str, str]] = {}
    for r in rows:
        key = (r["specialty_key"], r["applicant_type"])
        if not r["year"] or int(r["year"]) != latest[key]:
            continue
        slot = (*key, r["metric"])
        best = chosen.get(slot)
        if best is None or _CONFIDENCE[r["confidence"]] < _CONFIDENCE[best["confidence"]]:
            chosen[slot] = r
    table: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    sources: dict[tuple[str, str, str], str] = {}
    for (spec, atype, metric), r in chosen.items():
        table[(spec, atype)][metric] = float(r["value"])
        sources[(spec, atype, metric)] = f"{r['report']} ({r['source']}; {r['confidence']})"
    return dict(table), latest, sources
