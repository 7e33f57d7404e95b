"""What a fit depends on: a fingerprint of the code as parsed, and the refusal of a stale fit.

A fit record (data/fitted/parameters.json, market.json) and the validation report carry the
fingerprint of the code that made them. The fingerprint reads the modules as Python parses
them: comments, docstrings and imports of SmartPick's own modules do not count, and the
definitions are taken in no particular file or order, so a comment, a docstring or moving a
function between the fingerprinted modules leaves it unchanged; changing what any definition
does changes it. A record whose fingerprint is not the code's is refused with the command that
refits it, never silently replaced (issue 17)."""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.util
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from smartpick.errors import DataError

# The engine's fit (smartpick calibrate): the interview and match model, its calibration and
# the dataset's inputs to it.
MODEL_CODE = (
    "smartpick.core.model.interview",
    "smartpick.core.model.parameters",
    "smartpick.core.model.calibration",
    "smartpick.core.model.targets",
    "smartpick.core.model.standing",
    "smartpick.core.model.outcomes",
    "smartpick.data.engine",
    "smartpick.fitted.records",
    "smartpick.services.calibrate",
)
# The simulator's fit (smartpick calibrate --market).
MARKET_CODE = (
    "smartpick.core.match.market",
    "smartpick.core.match.applications",
    "smartpick.core.match.acceptance",
    "smartpick.core.match.smm",
    "smartpick.core.match.national",
    "smartpick.core.match.engine_check",
    "smartpick.core.match.supplemental",
    "smartpick.core.match.soap",
    "smartpick.core.match.positions",
    "smartpick.core.match.crn",
    "smartpick.core.match.moments",
    "smartpick.core.match.ranking",
    "smartpick.core.match.engine_terms",
    "smartpick.services.simulate",
    "smartpick.services.market_inputs",
    "smartpick.services.market_cells",
    "smartpick.services.market_fit",
)
# The validation report (smartpick validate), beside the two fits it reads.
VALIDATION_CODE = (
    "smartpick.core.model.validation",
    "smartpick.core.model.cell_predictions",
    "smartpick.core.model.margins",
    "smartpick.services.validation",
    "smartpick.services.validation_report",
)

OWN = "smartpick"
FITTED = "fitted"  # the folder of fit records, beside the dataset tables
PARAMETERS_FILE = "parameters.json"
MARKET_FILE = "market.json"


class _Bare(ast.NodeTransformer):
    """Drops what does not change behaviour: bare strings (docstrings) and imports of
    SmartPick's own modules (the definitions they name are fingerprinted where they live)."""

    def visit(self, node: ast.AST) -> Any:
        node = self.generic_visit(node)
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if isinstance(body, list) and body and all(isinstance(s, ast.stmt) for s in body):
                kept = [s for s in body if not (_is_string(s) or _is_own_import(s))]
                setattr(node, field, kept or ([ast.Pass()] if field == "body" else []))
        return node


def _is_string(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _is_own_import(node: ast.stmt) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == OWN
    if isinstance(node, ast.Import):
        return all(a.name.split(".")[0] == OWN for a in node.names)
    return False


def _type_checking(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")


def definitions(source: str) -> tuple[set[str], set[str]]:
    """(the module's top-level statements as parsed, the names it imports from other
    packages)."""
    tree = _Bare().visit(ast.parse(source))
    statements, imports = set(), set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):  # one name at a time: grouping does not count
            imports |= {f"{node.module}:{a.name}:{a.asname}" for a in node.names}
        elif isinstance(node, ast.Import):
            imports |= {f"{a.name}::{a.asname}" for a in node.names}
        elif not (isinstance(node, ast.Pass) or _type_checking(node)):
            statements.add(ast.dump(node))
    return statements, imports


def fingerprint_of(sources: Iterable[str]) -> str:
    """The fingerprint of some modules' sources, whatever file each definition is in."""
    statements: set[str] = set()
    imports: set[str] = set()
    for source in sources:
        s, i = definitions(source)
        statements |= s
        imports |= i
    digest = hashlib.sha256()
    for text in (*sorted(imports), *sorted(statements)):
        digest.update(text.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


@functools.cache
def fingerprint(modules: tuple[str, ...]) -> str:
    """The fingerprint of the named modules as installed."""
    sources = []
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise DataError(f"SmartPick's module {name} is missing: reinstall SmartPick")
        sources.append(Path(spec.origin).read_text(encoding="utf-8"))
    return fingerprint_of(sources)


def model_fingerprint() -> str:
    return fingerprint(MODEL_CODE)


def market_fingerprint() -> str:
    return fingerprint(MARKET_CODE)


def validation_fingerprint() -> str:
    return fingerprint(VALIDATION_CODE)


def require_current(record: Mapping[str, Any], key: str, now: str, what: str, refit: str) -> None:
    """Refuse a fit record made by other code than the installed one."""
    if record.get(key) != now:
        raise DataError(
            f"{what} were fitted with other model code than this SmartPick's "
            f"(fingerprint {record.get(key)}, the code's is {now}): its numbers would not be "
            "the model's",
            hint=f"Refit with `{refit}`.",
        )


def parameters_path(directory: Path | None = None) -> Path:
    if directory is not None:
        return directory / FITTED / PARAMETERS_FILE
    return Path(str(resources.files("smartpick.data") / FITTED / PARAMETERS_FILE))


def _read_record(path: Path, what: str, refit: str) -> dict[str, Any]:
    """A fit record (JSON); DataError naming it and the command that remakes it."""
    try:
        record: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(
            f"{what} ({path}) are missing or unreadable", hint=f"Refit with `{refit}`."
        ) from exc
    return record


def load_parameters(directory: Path | None = None) -> dict[str, Any]:
    return _read_record(parameters_path(directory), "the model parameters", "smartpick calibrate")


def market_path(directory: Path | None = None) -> Path:
    if directory is not None:
        return directory / FITTED / MARKET_FILE
    return Path(str(resources.files("smartpick.data") / FITTED / MARKET_FILE))


def load_market_fit(directory: Path | None = None) -> dict[str, Any] | None:
    """The simulator's fitted parameters (beside a dataset given by --dataset-dir if it has
    its own, else the shipped ones), or None where they were never fitted."""
    path = market_path(directory)
    if directory is None or not path.exists():
        path = market_path()
    if not path.exists():
        return None
    return _read_record(path, "the simulator's parameters", "smartpick calibrate --market")
