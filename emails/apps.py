import importlib
import importlib.util

from django.apps import AppConfig

# Modules that register themselves on import (Celery tasks by name, signal receivers).
_SELF_REGISTERING = ("emails.tasks", "emails.receivers")


class EmailsConfig(AppConfig):
    name = "emails"
    verbose_name = "Email"

    def ready(self) -> None:
        """Hand channel email to the ESP transport (and POST /api/v1/messages with channel
        email to `email_send`: messaging doesn't import this app); load the tasks and
        receivers."""
        from emails.services import email_send
        from emails.services.transport import email_transport
        from messaging import transports
        from messaging.models import Channel

        transports.register(Channel.EMAIL, email_transport)
        transports.register_sender(Channel.EMAIL, email_send)
        for name in _SELF_REGISTERING:
            if importlib.util.find_spec(name) is not None:
                importlib.import_module(name)
