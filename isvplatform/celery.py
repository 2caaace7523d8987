import os

from celery import Celery
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
