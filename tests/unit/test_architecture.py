"""The package's shape (issue 17): no import circle, counting imports made inside functions
(imports under TYPE_CHECKING are not imports at run time); the command line and the web app
are packages; no module is over 500 lines; and a ratchet on what is left to move: the
services that still do numerical work (numpy or scipy). The ratchet fails both when a module
joins its list and when one leaves it, so the list stays the truth."""

from __future__ import annotations

import importlib
from collections import defaultdict
from pathlib import Path

import grimp
import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

import smartpick

ROOT = Path(smartpick.__file__).parent
MAX_LINES = 500


def test_no_module_is_in_an_import_circle() -> None:
    graph = grimp.build_graph("smartpick", exclude_type_checking_imports=True, cache_dir=None)
    modules = sorted(graph.modules)
    index = {m: i for i, m in enumerate(modules)}
    edges = [
        (index[m], index[t])
        for m in modules
        for t in graph.find_modules_directly_imported_by(m)
        if t in index
    ]
    rows, cols = zip(*edges, strict=True)
    adjacency = csr_matrix((np.ones(len(edges)), (rows, cols)), shape=(len(modules),) * 2)
    _, labels = connected_components(adjacency, directed=True, connection="strong")
    groups: dict[int, list[str]] = defaultdict(list)
    for module, label in zip(modules, labels, strict=True):
        groups[int(label)].append(module)
    circles = [g for g in groups.values() if len(g) > 1]
    assert not circles, f"import circles: {circles}"


def test_the_command_line_and_the_web_app_are_packages() -> None:
    for name in ("smartpick.cli", "smartpick.web"):
        assert hasattr(importlib.import_module(name), "__path__"), name


def test_no_module_is_over_500_lines() -> None:
    over = {
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*.py")
        if len(p.read_text(encoding="utf-8").splitlines()) > MAX_LINES
    }
    assert not over, f"over {MAX_LINES} lines: {sorted(over)}"


def test_no_service_does_numerical_work() -> None:
    """The numbers are the core's: no module of services imports numpy or scipy."""
    graph = grimp.build_graph(
        "smartpick",
        include_external_packages=True,
        exclude_type_checking_imports=True,
        cache_dir=None,  # grimp's cache can miss an edit made within the same second
    )
    numerical = {
        m.rsplit(".", 1)[1]
        for m in graph.find_children("smartpick.services")
        if graph.find_modules_directly_imported_by(m) & {"numpy", "scipy"}
    }
    assert not numerical, f"services doing numerical work: {sorted(numerical)}"
