from django.apps import AppConfig
from django.db.backends.signals import connection_created


class IsvplatformConfig(AppConfig):
    name = "isvplatform"

    def ready(self) -> None:
        from isvplatform.pg_timestamps import use_psycopg_timestamps

        connection_created.connect(use_psycopg_timestamps, dispatch_uid="psycopg-timestamps")
