"""The layout tests' module graph sees imports in functions and cycles through a package's
`__init__` (issue 10). Each test writes an app of its own name, as Python caches imports."""

from isvplatform.testing.layout import find_cycles, module_graph


def _graph(tmp_path, monkeypatch, app: str, files: dict[str, str]) -> dict[str, set[str]]:
    for name, text in files.items():
        (tmp_path / app / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / app / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    return module_graph(app)


def test_imports_inside_functions_count(tmp_path, monkeypatch):
    graph = _graph(
        tmp_path,
        monkeypatch,
        "lay1",
        {
            "__init__.py": "",
            "a.py": "from lay1 import b\n",
            "b.py": "def late():\n    from lay1.a import x\n",
            "tests/test_a.py": "from lay1 import a\n",
        },
    )
    assert set(graph) == {"lay1", "lay1.a", "lay1.b"}
    assert find_cycles(graph) == {("lay1.a", "lay1.b")}


def test_importing_a_submodule_from_outside_runs_its_package(tmp_path, monkeypatch):
    graph = _graph(
        tmp_path,
        monkeypatch,
        "lay2",
        {
            "__init__.py": "",
            "services/__init__.py": "from lay2.services.send import send\n",
            "services/send.py": "from lay2.status import apply\n",
            "services/optout.py": "from . import common\n",
            "services/common.py": "",
            "status.py": "from lay2.services.optout import add\n",
        },
    )
    assert graph["lay2.status"] == {"lay2.services", "lay2.services.optout"}
    assert graph["lay2.services.optout"] == {"lay2.services.common"}
    assert find_cycles(graph) == {("lay2.services", "lay2.services.send", "lay2.status")}


def test_type_checking_imports_do_not_count_but_other_blocks_do(tmp_path, monkeypatch):
    graph = _graph(
        tmp_path,
        monkeypatch,
        "lay3",
        {
            "__init__.py": "",
            "e.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from lay3 import f\n",
            "f.py": "try:\n    from .e import x\nexcept ImportError:\n    pass\n",
            "g.py": "class G:\n    def method(self):\n        import lay3.h\n",
            "h.py": "async def later():\n    from lay3.g import G\n",
        },
    )
    assert graph["lay3.e"] == set()
    assert graph["lay3.f"] == {"lay3.e"}
    assert find_cycles(graph) == {("lay3.g", "lay3.h")}
