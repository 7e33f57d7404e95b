"""SmartPick's curated specialty catalogue (build/specialties.csv) and its lookups."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

CURATION = (
    "SmartPick curation (src/smartpick/build/specialties.csv), from the sources named in its notes"
)


@dataclass(frozen=True)
class CuratedSpecialty:
    key: str
    name: str
    acgme_code: str
    couples_name: str
    rates_name: str
    aliases: tuple[str, ...]
    match: str
    entry_level: str
    notes: str


def load_catalogue() -> list[CuratedSpecialty]:
    text = resources.files("smartpick.build").joinpath("specialties.csv").read_text("utf-8")
    return [
        CuratedSpecialty(
            key=row["key"],
            name=row["name"],
            acgme_code=row["acgme_code"],
            couples_name=row["couples_name"],
            rates_name=row["rates_name"],
            aliases=tuple(a for a in row["aliases"].split(";") if a),
            match=row["match"],
            entry_level=row["entry_level"],
            notes=row["notes"],
        )
        for row in csv.DictReader(text.splitlines())
    ]
