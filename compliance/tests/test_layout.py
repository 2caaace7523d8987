"""The app's module graph: tasks import the services, the services enqueue by task name
(`compliance.enqueue`), the selectors never import the services, and no two modules import
each other, not even from inside a function."""

import ast
from pathlib import Path

import compliance

ROOT = Path(compliance.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for path in ROOT.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    }


def _imports(path: Path, known: set[str]) -> set[str]:
    """Every compliance module this file imports, at module level or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found & known


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, known) - {name} for name, path in modules.items()}


def test_no_two_compliance_modules_import_each_other():
    graph = _graph()
    cycles = []

    def visit(name: str, trail: list[str]) -> None:
        for target in sorted(graph[name]):
            if target in trail:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in done:
                visit(target, [*trail, target])
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    assert cycles == []


def test_services_enqueue_by_name_and_selectors_stay_read_only():
    graph = _graph()
    services = {name for name in graph if name.startswith("compliance.services")}
    assert all("compliance.tasks" not in graph[name] for name in services)
    assert "compliance.tasks" not in graph["compliance.enqueue"]
    assert not graph["compliance.selectors"] & services
