"""Services queue deliveries by task name (`webhooks.enqueue`); only the app config imports
the tasks, so services and tasks never import each other."""

from isvplatform.celery import app
from isvplatform.testing.layout import module_graph
from webhooks import enqueue


def test_only_the_app_config_imports_the_tasks():
    graph = module_graph("webhooks")
    assert {name for name, targets in graph.items() if "webhooks.tasks" in targets} == {
        "webhooks.apps"
    }


def test_the_delivery_task_is_registered_under_the_name_the_services_use():
    assert enqueue.DELIVER in app.tasks
