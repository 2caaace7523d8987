import os

from celery import Celery
from celery.signals import worker_process_shutdown
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isvplatform.settings")
# `filesystem://` (the embedded broker) is kombu's transport with whole-message writes.
TRANSPORT_ALIASES["filesystem"] = "isvplatform.broker:Transport"

app = Celery("isvplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
