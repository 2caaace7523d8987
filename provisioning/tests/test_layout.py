"""The app's module graph: tasks import the services, the services queue tasks by name
(`provisioning.enqueue`), and the selectors import no module that writes."""

from isvplatform.celery import app
from isvplatform.testing.layout import module_graph
from provisioning import enqueue

WRITERS = {
    "provisioning.services",
    "provisioning.signup",
    "provisioning.suspension",
    "provisioning.tokens",
    "provisioning.billing",
    "provisioning.reconcile",
    "provisioning.numbers",
    "provisioning.accounts",
}


def test_only_the_app_config_imports_the_tasks():
    graph = module_graph("provisioning")
    importers = {name for name, targets in graph.items() if "provisioning.tasks" in targets}
    assert importers == {"provisioning.apps"}


def test_the_selectors_import_nothing_that_writes():
    imported = module_graph("provisioning")["provisioning.selectors"]
    assert not [t for t in imported for w in WRITERS if t == w or t.startswith(f"{w}.")]


def test_every_task_the_services_queue_is_registered_under_its_name():
    names = [value for key, value in vars(enqueue).items() if key.isupper()]
    assert names and all(name in app.tasks for name in names)
