"""Programs: the ACGME list, its missing locations, census divisions and interview rates."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from smartpick.build.catalogue import CuratedSpecialty
from smartpick.build.joiner import Entry, Link, Miss, link
from smartpick.build.names import key, normalize
from smartpick.build.sources import iter_rate_files, number, read_csv
from smartpick.core.geography import normalize_state
from smartpick.errors import SourceError

T = TypeVar("T")

RATE_COLUMNS = {
    "Signal": "signal",
    "Gold Signal": "gold_signal",
    "Silver Signal": "silver_signal",
    "No Signal": "no_signal",
    "In-State School": "in_state",
    "Out-Of-State School": "out_of_state",
    "MD": "md",
    "DO": "do",
    "US IMG": "us_img_interview_rate",
    "Non US IMG": "non_us_img_interview_rate",
}


@dataclass
class RateRow:
    """One program row of the interview-rate files."""

    id: str  # "<rates file>#<line>"
    specialty_key: str
    program: str
    city: str
    state: str
    rates: dict[str, float]

    @property
    def reported(self) -> bool:
        return bool(self.rates)


LATLON = {"lat", "lon"}


def read_programs(raw: Path, catalogue: list[CuratedSpecialty]) -> list[dict[str, object]]:
    path = raw / "couples_match_builder" / "programs_acgme_geo_2025.csv"
    rows = read_csv(path, {"specialty", "program_name", "acgme_id_10", "city", "state"} | LATLON)
    keys = {s.couples_name: s for s in catalogue}
    programs: list[dict[str, object]] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        spec = keys.get(row["specialty"])
        if spec is None:
            raise SourceError(f"{path}: specialty '{row['specialty']}' is not in the catalogue")
        acgme_id = row["acgme_id_10"].strip()
        if not acgme_id.isdigit() or len(acgme_id) != 10 or acgme_id in seen:
            raise SourceError(f"{path}: bad or repeated ACGME id '{acgme_id}'")
        seen.add(acgme_id)
        state = normalize_state(row["state"]) if row["state"].strip() else None
        has_location = bool(state and row["lat"].strip() and row["lon"].strip())
        programs.append(
            {
                "acgme_id": acgme_id,
                "name": row["program_name"].strip(),
                "specialty_key": spec.key,
                "city": row["city"].strip() if has_location else "",
                "state": state if has_location else "",
                "latitude": number(row["lat"], f"{path}:{line} lat") if has_location else None,
                "longitude": number(row["lon"], f"{path}:{line} lon") if has_location else None,
                "location_source": "couples_match_builder" if has_location else "",
                "location_note": "",
            }
        )
    return programs


def read_rates(raw: Path, catalogue: list[CuratedSpecialty]) -> list[RateRow]:
    keys = {s.rates_name: s.key for s in catalogue if s.rates_name}
    out: list[RateRow] = []
    for stem, path in iter_rate_files(raw):
        if stem not in keys:
            raise SourceError(f"{path}: no specialty in the catalogue reads this rates file")
        rows = read_csv(path, {"Program", "City", "State"})
        for line, row in enumerate(rows, start=2):
            rates: dict[str, float] = {}
            for column, name in RATE_COLUMNS.items():
                value = (row.get(column) or "").strip()
                if value in ("", "-"):
                    continue
                rate = number(value, f"{path}:{line} {column}")
                if not 0.0 <= rate <= 1.0:
                    raise SourceError(f"{path}:{line}: rate {rate} in {column} is outside 0-1")
                rates[name] = rate
            out.append(
                RateRow(
                    id=f"{stem}#{line}",
                    specialty_key=keys[stem],
                    program=row["Program"].strip(),
                    city=row["City"].strip(),
                    state=normalize_state(row["State"]) or "",
                    rates=rates,
                )
            )
    return out


def join_rates(
    rates: list[RateRow], programs: list[dict[str, object]]
) -> tuple[list[Link], list[Miss]]:
    """Join each rate row to one program of its specialty by name and city/state."""
    links: list[Link] = []
    misses: list[Miss] = []
    for spec in sorted({r.specialty_key for r in rates}):
        lefts = [Entry(r.id, r.program, r.city, r.state) for r in rates if r.specialty_key == spec]
        rights = [
            Entry(str(p["acgme_id"]), str(p["name"]), str(p["city"]), str(p["state"]))
            for p in programs
            if p["specialty_key"] == spec
        ]
        found, missed = link(lefts, rights)
        links += found
        misses += missed
    return links, misses


def read_centroids(raw: Path) -> dict[tuple[str, str], tuple[float, float]]:
    path = raw / "tyler_acgme_obgyn" / "city_state_latlong.csv"
    centroids: dict[tuple[str, str], tuple[float, float]] = {}
    for line, row in enumerate(read_csv(path, {"city", "state", "latitude", "longitude"}), 2):
        state = normalize_state(row["state"])
        if state and row["latitude"] and row["longitude"]:
            place = (normalize(row["city"]), state)
            where = f"{path}:{line}"
            point = (number(row["latitude"], where), number(row["longitude"], where))
            centroids.setdefault(place, point)
    return centroids


def fill_locations(
    programs: list[dict[str, object]],
    rates: dict[str, RateRow],
    links: list[Link],
    centroids: dict[tuple[str, str], tuple[float, float]],
) -> list[str]:
    """Give programs with no location the city/state of their joined rate row, geocoded.

    A city is geocoded where other programs of the list sit in the same city (their
    coordinates are city-level), else with the city centroids of tyler_acgme_obgyn.
    """
    own: dict[tuple[str, str], tuple[float, float]] = {}
    for p in programs:
        if isinstance(p["latitude"], float) and isinstance(p["longitude"], float):
            own.setdefault(
                (normalize(str(p["city"])), str(p["state"])), (p["latitude"], p["longitude"])
            )
    centroids = {**centroids, **own}
    by_program = {lk.right: rates[lk.left] for lk in links}
    for p in programs:
        row = by_program.get(str(p["acgme_id"]))
        if not p["state"] and row is not None and row.state:
            p["city"], p["state"], p["location_source"] = row.city, row.state, "rates"
    _fill_from_namesakes(programs)
    unresolved: list[str] = []
    for p in programs:
        if p["state"] and p["latitude"] is None:
            point = centroids.get((normalize(str(p["city"])), str(p["state"])))
            if point is not None:
                p["latitude"], p["longitude"] = point
                p["location_source"] = f"{p['location_source']}+centroid"
            else:
                unresolved.append(
                    f"{p['acgme_id']} {p['name']}: no centroid for {p['city']}, {p['state']}"
                )
        elif not p["state"]:
            unresolved.append(
                f"{p['acgme_id']} {p['name']}: no joined rate row or namesake gives a location"
            )
    return unresolved


def _fill_from_namesakes(programs: list[dict[str, object]]) -> None:
    """Locate a program from programs of other specialties with the same sponsor name.

    Digits 4-5 of an ACGME id are the ACGME state code, so namesakes must share them; the
    location is used only when a strict majority of the namesakes agree on it.
    """
    places: dict[tuple[str, str], list[tuple[str, str, float, float]]] = {}
    for p in programs:
        if p["location_source"] == "couples_match_builder":
            where = (key(str(p["name"])), str(p["acgme_id"])[3:5])
            lat, lon = p["latitude"], p["longitude"]
            assert isinstance(lat, float) and isinstance(lon, float)
            places.setdefault(where, []).append((str(p["city"]), str(p["state"]), lat, lon))
    for p in programs:
        if p["state"]:
            continue
        found = places.get((key(str(p["name"])), str(p["acgme_id"])[3:5]), [])
        if not found:
            continue
        (place, votes), *_ = Counter(found).most_common(1)
        if votes * 2 > len(found):
            p["city"], p["state"], p["latitude"], p["longitude"] = place
            p["location_source"] = "namesake"


def read_geo_2019(raw: Path) -> dict[str, tuple[str, str]]:
    """ACGME id -> (city, state) from the 2019 program geocodes (maction_program_geo)."""
    path = raw / "maction_program_geo" / "program_geo_2019.csv"
    out: dict[str, tuple[str, str]] = {}
    for row in read_csv(path, {"acgme_id", "city", "state"}):
        state = normalize_state(row["state"])
        if state and row["acgme_id"].strip().isdigit():
            out[row["acgme_id"].strip().zfill(10)] = (row["city"].strip(), state)
    return out


def reconcile_locations(
    programs: list[dict[str, object]],
    rates: list[RateRow],
    geo_2019: dict[str, tuple[str, str]],
) -> list[str]:
    """Check each program's location against the rate row that carries its exact name.

    Where the two disagree, the rate row's place is used only when independent evidence
    supports it: the program's own name names that city, a namesake program of another
    specialty sits there, the 2019 geocodes put the program there, or the ACGME id's state
    digits point to that state and not to the listed one. The other place is kept in
    `location_note`. Disagreements without evidence keep the list's place and are reported.
    """
    code_votes: dict[str, Counter[str]] = {}
    places: dict[str, set[tuple[str, str]]] = {}
    for p in programs:
        if p["state"]:
            code_votes.setdefault(str(p["acgme_id"])[3:5], Counter())[str(p["state"])] += 1
            places.setdefault(key(str(p["name"])), set()).add(
                (normalize(str(p["city"])), str(p["state"]))
            )
    code_state = {code: votes.most_common(1)[0][0] for code, votes in code_votes.items()}
    report: list[str] = []
    for spec in sorted({str(p["specialty_key"]) for p in programs}):
        mine = [p for p in programs if p["specialty_key"] == spec and p["state"]]
        rows = [r for r in rates if r.specialty_key == spec and r.state]
        by_name = _unique_by_key(mine, lambda p: str(p["name"]))
        for name, row in _unique_by_key(rows, lambda r: r.program).items():
            found = by_name.get(name)
            if found is None:
                continue
            p = found
            if (normalize(row.city), row.state) == (normalize(str(p["city"])), str(p["state"])):
                continue
            listed = f"{p['city']}, {p['state']}"
            evidence = _evidence(p, row, places, geo_2019, code_state)
            if not evidence:
                if row.state != p["state"]:
                    report.append(
                        f"{p['acgme_id']} {p['name']}: listed in {listed}, the rate file says "
                        f"{row.city}, {row.state}; no evidence either way, the list is kept"
                    )
                continue
            p["city"], p["state"] = row.city, row.state
            p["latitude"] = p["longitude"] = None
            p["location_source"] = "rates"
            p["location_note"] = (
                f"couples_match_builder lists {listed}; the interview-rate file gives "
                f"{row.city}, {row.state} ({evidence}), which is used"
            )
            report.append(f"{p['acgme_id']} {p['name']}: moved from {listed} ({evidence})")
    report += _move_to_named_city(programs)
    return report


def _move_to_named_city(programs: list[dict[str, object]]) -> list[str]:
    """A program whose name names a city in parentheses, listed alone in another place while
    its namesakes of other specialties all sit in that city, is moved there."""
    counts: dict[str, Counter[tuple[str, str]]] = {}
    for q in programs:
        if q["state"]:
            place = (normalize(str(q["city"])), str(q["state"]))
            counts.setdefault(key(str(q["name"])), Counter())[place] += 1
    report = []
    for p in programs:
        named = re.findall(r"\(([^)]+)\)", str(p["name"]))
        here = (normalize(str(p["city"])), str(p["state"]))
        seen = counts.get(key(str(p["name"])), Counter())
        there = set(seen) - {here}
        if not p["state"] or not named or seen[here] != 1 or len(there) != 1:
            continue
        city, state = next(iter(there))
        if city in {normalize(n) for n in named} and city != here[0]:
            listed = f"{p['city']}, {p['state']}"
            twins = [
                q for q in programs
                if key(str(q["name"])) == key(str(p["name"]))
                and (normalize(str(q["city"])), q["state"]) == (city, state)
            ]  # fmt: skip
            if not twins:
                continue
            twin = twins[0]
            p["city"], p["state"] = twin["city"], state
            p["latitude"], p["longitude"] = twin["latitude"], twin["longitude"]
            p["location_source"] = "namesake"
            p["location_note"] = (
                f"couples_match_builder lists {listed}; the program's name and its namesakes "
                f"of other specialties give {twin['city']}, {state}, which is used"
            )
            report.append(f"{p['acgme_id']} {p['name']}: moved from {listed} (named city)")
    return report


def _unique_by_key(items: list[T], name: Callable[[T], str]) -> dict[str, T]:
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(key(name(item)), []).append(item)
    return {k: v[0] for k, v in groups.items() if len(v) == 1}


def _evidence(
    p: dict[str, object],
    row: RateRow,
    places: dict[str, set[tuple[str, str]]],
    geo_2019: dict[str, tuple[str, str]],
    code_state: dict[str, str],
) -> str:
    city = normalize(row.city)
    if city and f" {city} " in f" {normalize(str(p['name']))} ":
        return "the program's name names the city"
    if (city, row.state) in places.get(key(str(p["name"])), set()) - {
        (normalize(str(p["city"])), str(p["state"]))
    }:
        return "a namesake program of another specialty is there"
    old = geo_2019.get(str(p["acgme_id"]))
    if old and (normalize(old[0]), old[1]) == (city, row.state):
        return "the 2019 program geocodes agree"
    code = code_state.get(str(p["acgme_id"])[3:5])
    if code == row.state and code != p["state"]:
        return "the ACGME id's state digits agree"
    return ""
