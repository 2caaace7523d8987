"""An app's module graph for its layout tests, counting every import, even inside a function.

`module_graph("messaging")` maps each non-test, non-migration module of the app to the modules
of the same app it imports. `from pkg import name` points at `pkg.name` when that is a module,
else at `pkg`. Importing `pkg.sub` from outside `pkg` also points at `pkg`, since Python runs
`pkg/__init__.py` first: a module that a package re-exports from and that imports one of the
package's submodules makes a cycle through the `__init__`, which this graph shows.
Imports under `if TYPE_CHECKING:` never run, so they don't count. `find_cycles` lists the
cycles, each once, starting at its smallest module.
"""

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

SKIPPED_DIRS = {"tests", "migrations", "__pycache__"}


def app_modules(app: str) -> dict[str, Path]:
    """Dotted module name -> file, for the app's modules outside tests and migrations."""
    root = Path(importlib.import_module(app).__file__).parent
    found = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent)
        if SKIPPED_DIRS & set(rel.parts[:-1]):
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _imported(
    node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, known: set[str]
) -> set[str]:
    """The app's modules an import statement names (`from pkg import mod` names `pkg.mod`)."""
    if isinstance(node, ast.Import):
        found = set()
        for alias in node.names:
            parts = alias.name.split(".")
            prefixes = (".".join(parts[:end]) for end in range(len(parts), 0, -1))
            found.update(next(([p] for p in prefixes if p in known), []))
        return found
    source = node.module or ""
    if node.level:
        base = importer.split(".") if is_package else importer.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        source = ".".join(base + ([node.module] if node.module else []))
    found = set()
    for alias in node.names:
        if f"{source}.{alias.name}" in known:
            found.add(f"{source}.{alias.name}")
        elif source in known:
            found.add(source)
    return found


def _with_parents(target: str, importer: str, known: set[str]) -> set[str]:
    """`target` and the packages above it that importing it runs, seen from `importer`."""
    found = {target}
    parts = target.split(".")
    for end in range(len(parts) - 1, 0, -1):
        package = ".".join(parts[:end])
        if package in known and not importer.startswith(f"{package}."):
            found.add(package)
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def import_statements(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
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


def module_graph(app: str) -> dict[str, set[str]]:
    """Module -> the modules of the same app it imports, at module level or in a function."""
    modules = app_modules(app)
    known = set(modules)
    graph = {}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in import_statements(ast.parse(path.read_text(), str(path))):
            for target in _imported(node, name, is_package, known):
                targets |= _with_parents(target, name, known)
        graph[name] = targets - {name}
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
