"""Output tables of the build, each with a provenance record for the table and every field."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any, Literal

Use = Literal["show", "derive", "build"]


@dataclass(frozen=True)
class Field:
    """One column and where its values came from."""

    name: str
    description: str
    source: str
    year: str
    confidence: str
    transform: str
    use: Use

    def provenance(self) -> dict[str, str]:
        return {
            "description": self.description,
            "source": self.source,
            "year": self.year,
            "confidence": self.confidence,
            "transform": self.transform,
            "use": self.use,
        }


@dataclass
class Table:
    """A table the build writes as CSV, with its fields' provenance."""

    name: str
    description: str
    fields: list[Field]
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def use(self) -> Use:
        """The most permissive class of any field: a table is shown if any field may be."""
        uses = {f.use for f in self.fields}
        return "show" if "show" in uses else "derive" if "derive" in uses else "build"

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, [f.name for f in self.fields], lineterminator="\n")
        writer.writeheader()
        for row in self.rows:
            writer.writerow({f.name: _cell(row.get(f.name)) for f in self.fields})
        return out.getvalue()

    def provenance(self) -> dict[str, Any]:
        return {
            "file": f"{self.name}.csv",
            "description": self.description,
            "rows": len(self.rows),
            "fields": {f.name: f.provenance() for f in self.fields},
        }


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
