"""deploy/ names real things: the systemd units' and the Procfile's commands import, their
options exist, their queues are the routed ones, and every task has a queue some worker
consumes."""

import importlib
import re
import shlex
from pathlib import Path

import pytest
from celery.bin.beat import beat as beat_command
from celery.bin.worker import worker as worker_command
from django.conf import settings
from django.core.management import get_commands
from gunicorn.config import Config

from isvplatform.celery import app as celery_app
from isvplatform.management.commands.run_platform import BEAT_SCHEDULER, gunicorn_command
from isvplatform.routing import NAMED_QUEUES, POLLING, SENDING, WEBHOOKS, named_queue, route_task

DEPLOY = Path(settings.BASE_DIR) / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
PYTHON = "/srv/isvplatform/.venv/bin/python"


def unit_commands(path: Path) -> list[list[str]]:
    """Each ExecStart of a unit as argv, its continuation lines joined."""
    text = path.read_text().replace("\\\n", " ")
    return [shlex.split(m) for m in re.findall(r"^ExecStart=(.+)$", text, re.MULTILINE)]


def procfile() -> dict[str, list[str]]:
    lines = (DEPLOY / "Procfile").read_text().splitlines()
    return {name: shlex.split(cmd) for name, cmd in (line.split(": ", 1) for line in lines)}


def options(argv: list[str]) -> dict[str, str]:
    """`--name value` pairs of a command line (every option here takes a value)."""
    flags = [i for i, arg in enumerate(argv) if arg.startswith("--")]
    return {argv[i]: argv[i + 1] for i in flags}


def import_path(path: str) -> object:
    module, _, attribute = path.partition(":")
    loaded = importlib.import_module(module)
    return getattr(loaded, attribute) if attribute else loaded


def click_options(command) -> set[str]:
    return {opt for param in command.params for opt in param.opts}


def check_celery(argv: list[str]) -> tuple[str, list[str]]:
    """The celery sub-command and the queues it consumes, its options all real."""
    assert argv[argv.index("-A") + 1] == "isvplatform"
    sub = argv[argv.index("-A") + 2]
    known = click_options({"worker": worker_command, "beat": beat_command}[sub])
    opts = options(argv[argv.index(sub) + 1 :])
    assert set(opts) <= known, set(opts) - known
    if "--scheduler" in opts:
        assert opts["--scheduler"] == BEAT_SCHEDULER
        import_path(opts["--scheduler"])
    queues = [q for q in opts.get("--queues", "").split(",") if q]
    return sub, queues


def check_gunicorn(argv: list[str]) -> None:
    """The same application, worker class, hooks and flags as `make run`'s web process."""
    known = {flag for setting in Config().settings.values() for flag in setting.cli or ()}
    opts = options(argv)
    assert set(opts) <= known, set(opts) - known
    app = next(a for a in argv[argv.index("gunicorn") + 1 :] if not a.startswith("-"))
    reference = options(gunicorn_command("python", "127.0.0.1", 8000, 2))
    assert app == "isvplatform.asgi:application"
    assert set(opts) == set(reference)
    for flag in ("--worker-class", "--config", "--graceful-timeout", "--access-logfile"):
        assert opts[flag] == reference[flag], flag
    assert callable(import_path(app))
    import_path(opts["--worker-class"].replace(".UvicornWorker", ":UvicornWorker"))
    import_path(opts["--config"].removeprefix("python:"))


def check(argv: list[str]) -> tuple[str, list[str]]:
    if argv[0].endswith("/sh"):
        return "sh", []
    assert argv[0] in (PYTHON, "python"), argv
    if argv[1] == "manage.py":
        assert argv[2] in get_commands(), argv
        return "manage", []
    assert argv[1] == "-m", argv
    if argv[2] == "gunicorn":
        check_gunicorn(argv)
        return "web", []
    assert argv[2] == "celery", argv
    return check_celery(argv)


def routed_queue(queue: str) -> str:
    """A queue named in deploy/: a routed one, or the default queue's variable."""
    if queue.startswith("${CELERY_QUEUE"):
        return "default"
    assert queue in NAMED_QUEUES or queue == "%i", queue
    return queue


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_every_unit_command_is_real(unit):
    commands = unit_commands(unit)
    assert commands, unit
    for argv in commands:
        _, queues = check(argv)
        assert {routed_queue(q) for q in queues} <= {"%i", "default"}


def test_the_templated_worker_consumes_its_instance_and_the_default_queue():
    (argv,) = unit_commands(DEPLOY / "systemd" / "isvplatform-worker@.service")
    assert options(argv)["--queues"] == "%i,${CELERY_QUEUE}"


def test_the_procfile_runs_web_one_worker_per_named_queue_beat_and_a_release():
    processes = procfile()
    consumed: dict[str, set[str]] = {}
    for name, argv in processes.items():
        kind, queues = check(argv)
        consumed[name] = {routed_queue(q) for q in queues}
        if name.startswith("worker-"):
            assert kind == "worker"
            assert consumed[name] == {name.removeprefix("worker-"), "default"}
    assert check(processes["web"])[0] == "web"
    assert check(processes["beat"])[0] == "beat"
    assert processes["release"][1:] == ["manage.py", "migrate", "--noinput"]
    assert {f"worker-{q}" for q in NAMED_QUEUES} <= set(processes)


def test_every_task_goes_to_a_queue_a_worker_consumes(settings):
    settings.CELERY_QUEUE_ROUTING = True
    celery_app.loader.import_default_modules()
    tasks = [name for name in celery_app.tasks if not name.startswith("celery.")]
    assert len(tasks) > 50
    for name in tasks:
        assert named_queue(name) in (*NAMED_QUEUES, None), name
    beat_tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    beat_tasks.discard("isvplatform.heartbeat")  # the heartbeat proves the default queue
    assert {named_queue(t) for t in beat_tasks} == {POLLING}, beat_tasks
    assert named_queue("messaging.send") == SENDING
    assert named_queue("broadcasts.dispatch") == SENDING
    assert named_queue("webhooks.deliver") == WEBHOOKS
    assert named_queue("provisioning.provision_subaccount") == "provisioning"
    assert named_queue("isvplatform.heartbeat") is None


def test_routing_follows_the_switch_and_the_prefix(settings):
    settings.CELERY_QUEUE_ROUTING, settings.CELERY_QUEUE_PREFIX = True, "blue-"
    assert route_task("messaging.send", (), {}, {}) == {"queue": "blue-sending"}
    assert route_task("isvplatform.heartbeat", (), {}, {}) is None
    settings.CELERY_QUEUE_ROUTING = False
    assert route_task("messaging.send", (), {}, {}) is None


def test_env_example_names_only_settings_that_exist():
    """Every variable in deploy/env.example is read by a settings module or a unit."""
    names = re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (DEPLOY / "env.example").read_text(), re.M)
    modules = Path(settings.BASE_DIR, "isvplatform").glob("settings*.py")
    read = "".join(p.read_text() for p in modules)
    units = "".join(p.read_text() for p in (DEPLOY / "systemd").iterdir())
    units += (DEPLOY / "Procfile").read_text()
    process_only = {"FORWARDED_ALLOW_IPS", "PROMETHEUS_MULTIPROC_DIR"}
    for name in names:
        assert f'"{name}"' in read or f"{{{name}" in units or name in process_only, name
