from django.apps import AppConfig


class EmailsConfig(AppConfig):
    name = "emails"
    verbose_name = "Email"

    def ready(self) -> None:
        # --- B2 (tracking, identities, credentials): tasks by name, the tracking receiver.
        from emails import receivers, tasks  # noqa: F401

        receivers.connect()
