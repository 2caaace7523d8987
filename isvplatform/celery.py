import logging.config
import os

import structlog
from celery import Celery, bootsteps
from celery import signals as celery_signals
from celery.signals import setup_logging, worker_process_shutdown
from django_structlog.celery.receivers import CeleryReceiver
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isvplatform.settings")
# `filesystem://` (the embedded broker) is kombu's transport with whole-message writes.
TRANSPORT_ALIASES["filesystem"] = "isvplatform.broker:Transport"

app = Celery("isvplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# django_structlog's Celery receiver: publishing a task (in every process) puts the logging
# context (request id, tenant id, user id, the parent task's id) into its headers; a worker
# binds it, with the task's own id, before the task runs. One receiver, so that no signal
# is connected twice (django_structlog's app and its worker step would each add one).
_log_context = CeleryReceiver()
_log_context.connect_signals()


def _forget_task_context(**kwargs) -> None:
    """A finished task's context does not linger on the worker's own lines after it."""
    structlog.contextvars.clear_contextvars()


class _LogContextStep(bootsteps.Step):
    """Worker side of `_log_context`: task_prerun binds the headers' context, and the
    task's start, success, retry and failure are logged with it."""

    def __init__(self, parent, **kwargs) -> None:
        super().__init__(parent, **kwargs)
        receiver = _log_context
        for signal, handler in (
            ("task_prerun", receiver.receiver_task_prerun),
            ("task_retry", receiver.receiver_task_retry),
            ("task_success", receiver.receiver_task_success),
            ("task_failure", receiver.receiver_task_failure),
            ("task_revoked", receiver.receiver_task_revoked),
            ("task_unknown", receiver.receiver_task_unknown),
            ("task_rejected", receiver.receiver_task_rejected),
            ("task_postrun", _forget_task_context),
        ):
            getattr(celery_signals, signal).connect(handler)


app.steps["worker"].add(_LogContextStep)


@setup_logging.connect
def _log_through_django(loglevel=None, **kwargs) -> None:
    """The worker and beat log through Django's LOGGING (structlog, redacted), not
    Celery's own format: connecting this signal is how Celery is told to leave logging be.
    Celery's own loggers keep the `--loglevel` they were started with, so its "ready." line
    (which supervisors and the test helpers wait for) shows whatever LOG_LEVEL says."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger("celery").setLevel(loglevel)


@app.on_after_configure.connect
def _prepare_embedded_broker(sender, **kwargs) -> None:
    """The filesystem transport needs its folders to exist before anyone connects."""
    for folder in (sender.conf.broker_transport_options or {}).values():
        if isinstance(folder, str) and os.path.isabs(folder):
            os.makedirs(folder, exist_ok=True)


@worker_process_shutdown.connect
def _forget_process_metrics(pid=None, **kwargs) -> None:
    """A pool process exited: drop its live metric samples (see `isvplatform.metrics`)."""
    from isvplatform.metrics import process_exited

    process_exited(pid or os.getpid())
