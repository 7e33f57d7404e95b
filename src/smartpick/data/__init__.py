"""The dataset SmartPick ships (text files in this folder) and its loader.

`provenance.json` records, for every table and field, the source, year, confidence, what the
build did, and the use class (show / derive / build). The loader checks each file against it.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from smartpick.core.catalog import Pgy1Track, Program, Specialty
from smartpick.errors import DataError

REBUILD = (
    "Reinstall SmartPick, or rebuild the dataset with "
    "`smartpick data build --raw ../shared/data` from a checkout."
)


def _default_dir() -> Traversable:
    return resources.files("smartpick.data")


@dataclass
class Dataset:
    """The shipped tables, read lazily, with their provenance."""

    directory: Traversable | Path
    provenance: Mapping[str, Any]
    _cache: dict[str, list[dict[str, str]]] = field(default_factory=dict, repr=False)

    @property
    def version(self) -> str:
        return str(self.provenance["dataset_version"])

    @property
    def table_names(self) -> list[str]:
        return sorted(self.provenance["tables"])

    def fields(self, table: str, use: str | None = None) -> list[str]:
        spec = self._table(table)["fields"]
        return [name for name, f in spec.items() if use is None or f["use"] == use]

    def field_provenance(self, table: str, name: str) -> Mapping[str, str]:
        return dict(self._table(table)["fields"][name])

    def rows(self, table: str) -> list[dict[str, str]]:
        if table not in self._cache:
            self._cache[table] = self._read(table)
        return self._cache[table]

    def specialties(self) -> list[Specialty]:
        return [
            Specialty(
                key=r["key"],
                name=r["name"],
                aliases=tuple(a for a in r["aliases"].split(";") if a),
                acgme_code=r["acgme_code"],
                nrmp_code=r["nrmp_code"],
                match=r["match"],
                entry_level=r["entry_level"],
                notes=r["notes"],
            )
            for r in self.rows("specialties")
        ]

    def programs(self) -> list[Program]:
        """Programs with their shown fields, FREIDA's and the two IMG interview rates joined on
        where they cover them."""
        freida = {r["acgme_id"]: r for r in self.rows("freida_im")}
        rates = {r["acgme_id"]: r for r in self.rows("interview_rates")}
        out = []
        for r in self.rows("programs"):
            f = freida.get(r["acgme_id"], {})
            positions = f.get("first_year_positions", "")
            rate = rates.get(r["acgme_id"], {})
            out.append(
                Program(
                    acgme_id=r["acgme_id"],
                    name=r["name"],
                    specialty_key=r["specialty_key"],
                    city=r["city"],
                    state=r["state"],
                    latitude=_number(r["latitude"]),
                    longitude=_number(r["longitude"]),
                    census_division=int(r["census_division"]) if r["census_division"] else None,
                    entry_level=r["entry_level"],
                    entry_level_basis=r["entry_level_basis"],
                    visa_j1=f.get("visa_j1", "unknown"),
                    visa_h1b=f.get("visa_h1b", "unknown"),
                    location_source=r["location_source"],
                    location_note=r["location_note"],
                    division_note=r["division_note"],
                    setting=f.get("setting", ""),
                    first_year_positions=int(positions) if positions else None,
                    participates_in_eras=f.get("participates_in_eras", "unknown"),
                    us_img_interview_rate=_number(rate.get("us_img_interview_rate", "")),
                    non_us_img_interview_rate=_number(rate.get("non_us_img_interview_rate", "")),
                    pct_img=_number(f.get("pct_img", "")),
                )
            )
        return out

    def pgy1_tracks(self) -> list[Pgy1Track]:
        """The transitional and preliminary tracks (build.pgy1), by NRMP code."""
        return [
            Pgy1Track(
                program_code=r["program_code"],
                kind=r["kind"],
                institution=r["institution"],
                track_name=r["track_name"],
                city=r["city"],
                state=r["state"],
                latitude=_number(r["latitude"]),
                longitude=_number(r["longitude"]),
                location_source=r["location_source"],
                state_source=r["state_source"],
                anchor_acgme_id=r["anchor_acgme_id"],
            )
            for r in self.rows("pgy1_tracks")
        ]

    def _table(self, table: str) -> Mapping[str, Any]:
        try:
            return dict(self.provenance["tables"][table])
        except KeyError:
            raise DataError(f"the dataset has no table '{table}'", hint=REBUILD) from None

    def _read(self, table: str) -> list[dict[str, str]]:
        spec = self._table(table)
        path = self.directory / spec["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, OSError) as exc:
            raise DataError(f"dataset file {spec['file']} is missing", hint=REBUILD) from exc
        except UnicodeDecodeError as exc:
            raise DataError(f"dataset file {spec['file']} is not UTF-8 text", hint=REBUILD) from exc
        # Not str.splitlines: it also splits at characters a cell may hold (U+2028, \x85).
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if reader.fieldnames != list(spec["fields"]):
            raise DataError(
                f"dataset file {spec['file']} does not have the columns its provenance lists",
                hint=REBUILD,
            )
        rows = [dict(r) for r in reader]
        if len(rows) != spec["rows"] or any(None in r or None in r.values() for r in rows):
            raise DataError(f"dataset file {spec['file']} is truncated or corrupt", hint=REBUILD)
        return rows


def _number(text: str) -> float | None:
    """A decimal field of the dataset; empty is missing."""
    return float(text) if text else None


@functools.cache
def _load_default() -> Dataset:
    return load_dataset(None)


def load_dataset(directory: Path | None = None) -> Dataset:
    """Open the dataset in `directory`, or the shipped one; DataError if missing or corrupt."""
    where: Traversable | Path = directory if directory is not None else _default_dir()
    try:
        text = (where / "provenance.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise DataError(
            f"no dataset in {where} (provenance.json is missing)", hint=REBUILD
        ) from exc
    try:
        provenance = json.loads(text)
        if not isinstance(provenance.get("tables"), dict) or "dataset_version" not in provenance:
            raise ValueError("missing keys")
    except (ValueError, AttributeError) as exc:
        raise DataError(f"the dataset's provenance.json is corrupt ({exc})", hint=REBUILD) from exc
    return Dataset(where, provenance)


def shipped() -> Dataset:
    """The dataset that ships with the package, loaded once per process."""
    return _load_default()
