"""The app's module graph: tasks import the services, the services (and the modules beside
them) enqueue by task name (`messaging.enqueue`), the selectors never import the services,
and no two modules import each other, not even from inside a function."""

from isvplatform.testing.layout import find_cycles, module_graph


def test_no_two_messaging_modules_import_each_other():
    assert sorted(find_cycles(module_graph("messaging"))) == []


def test_services_enqueue_by_name_and_selectors_stay_read_only():
    graph = module_graph("messaging")
    services = {name for name in graph if name.startswith("messaging.services")}
    assert all("messaging.tasks" not in graph[name] for name in services)
    assert "messaging.tasks" not in graph["messaging.enqueue"]
    assert not graph["messaging.selectors"] & services
