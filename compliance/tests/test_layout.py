"""The app's module graph: tasks import the services, the services enqueue by task name
(`compliance.enqueue`), the selectors never import the services, and no two modules import
each other, not even from inside a function."""

from isvplatform.testing.layout import find_cycles, module_graph


def test_no_two_compliance_modules_import_each_other():
    assert sorted(find_cycles(module_graph("compliance"))) == []


def test_services_enqueue_by_name_and_selectors_stay_read_only():
    graph = module_graph("compliance")
    services = {name for name in graph if name.startswith("compliance.services")}
    assert all("compliance.tasks" not in graph[name] for name in services)
    assert "compliance.tasks" not in graph["compliance.enqueue"]
    assert not graph["compliance.selectors"] & services
