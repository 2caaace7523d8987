from django.apps import AppConfig


class SecretsAppConfig(AppConfig):
    name = "isvplatform.testing.secretsapp"
    label = "secretsapp"
    verbose_name = "Test secrets"
