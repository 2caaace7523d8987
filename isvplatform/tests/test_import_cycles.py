"""No import cycles between the modules of one app (issue 10).

For each app, the graph holds its non-test, non-migration modules and every import each one
makes (`import x` and `from x import y` at module level, in class bodies, in `if`/`try`
blocks and inside functions: an import put in a function to dodge a cycle still is one; only
imports under `if TYPE_CHECKING` are left out, as they never run). `from pkg import name`
points at the submodule `pkg.name` if there is one, else at `pkg`; importing a submodule is not
counted as importing its parent package, as Python resolves that without a cycle.

`KNOWN_CYCLES` lists the cycles that exist today, each as the tuple of its modules starting at
the smallest name. The test fails when a new cycle appears and when a listed one is gone, so
the list only shrinks.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("isvplatform", "tenants", "provisioning", "compliance", "messaging", "webhooks", "sandbox")
SKIPPED_DIRS = {"tests", "migrations", "__pycache__"}

KNOWN_CYCLES: dict[str, set[tuple[str, ...]]] = {
    "messaging": {
        ("messaging.prices", "messaging.tasks"),
        ("messaging.prices", "messaging.tasks", "messaging.services", "messaging.statuses"),
        ("messaging.prices", "messaging.tasks", "messaging.statuses"),
        ("messaging.services", "messaging.statuses"),
        ("messaging.services", "messaging.tasks"),
        ("messaging.services", "messaging.tasks", "messaging.statuses"),
    },
}


def app_modules(root: Path, app: str) -> dict[str, Path]:
    """Dotted module name -> file, for the app's modules outside tests and migrations."""
    found = {}
    for path in sorted((root / app).rglob("*.py")):
        rel = path.relative_to(root)
        if SKIPPED_DIRS & set(rel.parts[:-1]):
            continue
        if path.name.startswith("test_") or path.name == "conftest.py":
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def module_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement of the module, wherever it sits, but under `if TYPE_CHECKING`."""
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        stack.extend(ast.iter_child_nodes(node))


def _targets(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, modules) -> set:
    if isinstance(node, ast.Import):
        found = set()
        for alias in node.names:
            parts = alias.name.split(".")
            prefixes = (".".join(parts[:i]) for i in range(len(parts), 0, -1))
            found.update(next(([p] for p in prefixes if p in modules), []))
        return found
    source = node.module or ""
    if node.level:
        base = importer.split(".") if is_package else importer.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    found = set()
    for alias in node.names:
        if f"{source}.{alias.name}" in modules:
            found.add(f"{source}.{alias.name}")
        elif source in modules:
            found.add(source)
    return found


def import_graph(root: Path, app: str) -> dict[str, set[str]]:
    """Module -> the modules of the same app it imports (at import time or later)."""
    modules = app_modules(root, app)
    graph = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), str(path))
        is_package = path.name == "__init__.py"
        graph[name] = set()
        for node in module_imports(tree):
            graph[name] |= _targets(node, name, is_package, modules)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> set[tuple[str, ...]]:
    """Every elementary cycle, as its modules in import order starting at the smallest name."""
    cycles = set()

    def walk(start: str, node: str, path: list[str]) -> None:
        for nxt in sorted(graph[node]):
            if nxt == start:
                cycles.add(tuple(path))
            elif nxt > start and nxt not in path:
                walk(start, nxt, [*path, nxt])

    for start in sorted(graph):
        walk(start, start, [start])
    return cycles


@pytest.mark.parametrize("app", APPS)
def test_an_app_gains_no_import_cycle_and_known_ones_stay_listed_only_while_they_exist(app):
    found = find_cycles(import_graph(ROOT, app))
    known = KNOWN_CYCLES.get(app, set())
    assert sorted(found - known) == [], "new import cycles: break them, don't list them"
    assert sorted(known - found) == [], "these cycles are gone: remove them from KNOWN_CYCLES"


def test_the_allowlist_names_only_apps_and_canonical_cycles():
    assert set(KNOWN_CYCLES) <= set(APPS)
    for cycles in KNOWN_CYCLES.values():
        assert all(cycle and cycle[0] == min(cycle) for cycle in cycles)


def test_the_graph_counts_imports_inside_functions_and_ignores_type_checking_ones(tmp_path):
    files = {
        "app/__init__.py": "",
        "app/a.py": "from app import b\n",
        "app/b.py": "from . import c\n",
        "app/c.py": "import app.a\nfrom app.d import thing\n",
        "app/d.py": "def late():\n    from app import c\n",
        "app/g.py": "class G:\n    def method(self):\n        import app.h\n",
        "app/h.py": "async def later():\n    from app.g import G\n",
        "app/e.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app import f\n",
        "app/f.py": "try:\n    from .e import x\nexcept ImportError:\n    pass\n",
        "app/tests/test_x.py": "from app import a\n",
        "app/migrations/0001_initial.py": "from app import a\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    graph = import_graph(tmp_path, "app")
    assert set(graph) == {f"app{m}" for m in ("", ".a", ".b", ".c", ".d", ".e", ".f", ".g", ".h")}
    assert graph["app.c"] == {"app.a", "app.d"}
    assert graph["app.d"] == {"app.c"}
    assert graph["app.e"] == set()
    assert graph["app.f"] == {"app.e"}
    assert find_cycles(graph) == {
        ("app.a", "app.b", "app.c"),
        ("app.c", "app.d"),
        ("app.g", "app.h"),
    }
