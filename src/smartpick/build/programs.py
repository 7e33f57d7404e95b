"""Programs: the ACGME list, its missing locations, census divisions and interview rates."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from smartpick.build.catalogue import CuratedSpecialty
from smartpick.build.joiner import Entry, Link, Miss, link
from smartpick.build.names import key, normalize
from smartpick.build.sources import iter_rate_files, read_csv, require_columns
from smartpick.core.geography import normalize_state
from smartpick.errors import DataError

RATE_COLUMNS = {
    "Signal": "signal",
    "Gold Signal": "gold_signal",
    "Silver Signal": "silver_signal",
    "No Signal": "no_signal",
    "In-State School": "in_state",
    "Out-Of-State School": "out_of_state",
    "MD": "md",
    "DO": "do",
    "US IMG": "us_img",
    "Non US IMG": "non_us_img",
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


def read_programs(raw: Path, catalogue: list[CuratedSpecialty]) -> list[dict[str, object]]:
    path = raw / "couples_match_builder" / "programs_acgme_geo_2025.csv"
    rows = read_csv(path)
    require_columns(rows, {"specialty", "program_name", "acgme_id_10", "city", "state"}, path)
    keys = {s.couples_name: s for s in catalogue}
    programs: list[dict[str, object]] = []
    seen: set[str] = set()
    for row in rows:
        spec = keys.get(row["specialty"])
        if spec is None:
            raise DataError(f"{path}: specialty '{row['specialty']}' is not in the catalogue")
        acgme_id = row["acgme_id_10"].strip()
        if not acgme_id.isdigit() or len(acgme_id) != 10 or acgme_id in seen:
            raise DataError(f"{path}: bad or repeated ACGME id '{acgme_id}'")
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
                "latitude": float(row["lat"]) if has_location else None,
                "longitude": float(row["lon"]) if has_location else None,
                "location_source": "couples_match_builder" if has_location else "",
            }
        )
    return programs


def read_rates(raw: Path, catalogue: list[CuratedSpecialty]) -> list[RateRow]:
    keys = {s.rates_name: s.key for s in catalogue if s.rates_name}
    out: list[RateRow] = []
    for stem, path in iter_rate_files(raw):
        if stem not in keys:
            raise DataError(f"{path}: no specialty in the catalogue reads this rates file")
        rows = read_csv(path)
        require_columns(rows, {"Program", "City", "State"}, path)
        for line, row in enumerate(rows, start=2):
            rates: dict[str, float] = {}
            for column, name in RATE_COLUMNS.items():
                value = (row.get(column) or "").strip()
                if value in ("", "-"):
                    continue
                try:
                    rate = float(value)
                except ValueError as exc:
                    raise DataError(f"{path}:{line}: '{value}' in {column} is not a rate") from exc
                if not 0.0 <= rate <= 1.0:
                    raise DataError(f"{path}:{line}: rate {rate} in {column} is outside 0-1")
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
    for row in read_csv(path):
        state = normalize_state(row["state"])
        if state and row["latitude"] and row["longitude"]:
            place = (normalize(row["city"]), state)
            centroids.setdefault(place, (float(row["latitude"]), float(row["longitude"])))
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
    unresolved: list[str] = []
    for p in programs:
        if p["state"]:
            continue
        row = by_program.get(str(p["acgme_id"]))
        if row is None or not row.state:
            continue
        p["city"], p["state"] = row.city, row.state
        point = centroids.get((normalize(row.city), row.state))
        if point is None:
            unresolved.append(
                f"{p['acgme_id']} {p['name']}: no centroid for {row.city}, {row.state}"
            )
            p["location_source"] = "rates"
            continue
        p["latitude"], p["longitude"] = point
        p["location_source"] = "rates+centroid"
    _fill_from_namesakes(programs)
    unresolved += [
        f"{p['acgme_id']} {p['name']}: no joined rate row or namesake gives a location"
        for p in programs
        if not p["state"]
    ]
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
