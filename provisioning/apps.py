from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    name = "provisioning"
    verbose_name = "Twilio subaccounts and numbers"

    def ready(self) -> None:
        """Register the tasks by name in every process (for `provisioning.enqueue`), and let
        the sandbox's handset simulator name the business behind each number."""
        from provisioning import tasks  # noqa: F401
        from provisioning.selectors import business_names_for_numbers
        from sandbox.core import hooks

        hooks.answers("handset_number_labels")(business_names_for_numbers)
