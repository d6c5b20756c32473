"""The packages' imports, read from the source: no two packages import each other, directly or
round a longer loop; each layer of ARCHITECTURE.md imports only the layers below it; and
`domain/` uses nothing but the standard library."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

from core.settings import PROJECT_ROOT

PACKAGES = sorted(
    p.name
    for p in PROJECT_ROOT.iterdir()
    if (p / "__init__.py").is_file() and p.name not in ("tests", "migrations", "bench")
)


def _imported(package: str) -> Iterator[tuple[Path, str]]:
    """Every module a package's files import (at any depth of the file), by its full name."""
    for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                yield from ((path, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module


def _graph() -> dict[str, set[str]]:
    return {
        package: {
            name.split(".")[0]
            for _, name in _imported(package)
            if name.split(".")[0] in PACKAGES and name.split(".")[0] != package
        }
        for package in PACKAGES
    }


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A loop of packages, if there is one (depth-first, colouring what is on the path)."""
    on_path: list[str] = []
    done: set[str] = set()

    def visit(package: str) -> list[str] | None:
        if package in on_path:
            return [*on_path[on_path.index(package) :], package]
        if package in done:
            return None
        on_path.append(package)
        for imported in sorted(graph[package]):
            if found := visit(imported):
                return found
        on_path.pop()
        done.add(package)
        return None

    for package in sorted(graph):
        if found := visit(package):
            return found
    return None


def test_no_packages_import_each_other_round_a_loop() -> None:
    graph = _graph()
    assert _cycle(graph) is None, (
        f"packages import round a loop: {' -> '.join(_cycle(graph) or [])}"
    )


def test_the_loop_finder_finds_a_loop() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_rules_use_nothing_but_the_standard_library() -> None:
    outside = {
        (str(path.relative_to(PROJECT_ROOT)), name)
        for path, name in _imported("domain")
        if name.split(".")[0] not in (*sys.stdlib_module_names, "domain")
    }
    assert not outside, f"domain/ imports from outside the standard library: {sorted(outside)}"


# ARCHITECTURE.md's layers, lowest first: a package imports only packages of lower layers.
LAYERS = [
    {"core", "domain"},
    {"contracts"},
    {"persistence", "workflow_client"},
    {"services"},
    {"activities"},
    {"workflows"},
    {"api", "worker"},
    {"zhuchka"},
]


def test_each_layer_imports_only_the_layers_below_it() -> None:
    layer = {package: n for n, members in enumerate(LAYERS) for package in members}
    assert set(layer) == set(PACKAGES), "a package is missing from the layers"
    upward = sorted(
        f"{package} -> {imported}"
        for package, imports in _graph().items()
        for imported in imports
        if layer[imported] >= layer[package]
    )
    assert not upward, f"imports that do not go down a layer: {upward}"


def test_routers_leave_the_sql_to_queries_and_services() -> None:
    with_sql = sorted(
        str(path.relative_to(PROJECT_ROOT))
        for path in (PROJECT_ROOT / "api" / "routers").glob("*.py")
        if "select(" in path.read_text()
    )
    assert not with_sql, f"routers that build SQL (move it to api/queries/): {with_sql}"


def test_no_module_is_over_400_lines() -> None:
    long = sorted(
        f"{path.relative_to(PROJECT_ROOT)}: {lines}"
        for package in PACKAGES
        for path in (PROJECT_ROOT / package).rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > 400
    )
    assert not long, f"modules over 400 lines (split them by what they do): {long}"
