from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "contacts"
    verbose_name = "Contacts and audiences"

    def ready(self) -> None:
        # Registers the tasks by name in every process, for `contacts.enqueue`.
        from contacts import tasks  # noqa: F401
