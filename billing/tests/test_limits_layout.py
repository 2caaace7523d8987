"""The limit modules' import graph: no two billing modules import each other, and the limit
services never import the tasks (they enqueue by name)."""

from isvplatform.testing.layout import find_cycles, module_graph


def test_no_two_billing_modules_import_each_other():
    assert sorted(find_cycles(module_graph("billing"))) == []


def test_limit_services_enqueue_by_name():
    graph = module_graph("billing")
    limit_modules = {name for name in graph if name.startswith("billing.services.limit")}
    assert limit_modules >= {"billing.services.limits", "billing.services.limit_events"}
    assert all(not any(m.startswith("billing.tasks") for m in graph[n]) for n in limit_modules)
