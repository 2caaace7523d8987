"""Monthly range partitions of `messaging_message` (by `created_at`) and of the raw Twilio
events, `messaging_webhookevent` (by `received_at`), on PostgreSQL; nothing on SQLite.

Safe to run with traffic: see `isvplatform.partition_migrate` for each step and its lock
(the longest ones, the index builds and the CHECK's validation, let reads and writes go
on; the swap is a catalog-only transaction under a 3 s `lock_timeout`). Non-atomic: every
step commits on its own, and a rerun after a failure carries on. Django's state does not
change (`id` stays the pk, the unique constraints stay declared); the database enforces
them through `isvplatform_partitionkey`.
"""

from django.db import migrations

from isvplatform.partition_migrate import backwards, forwards

TABLES = ("messaging_message", "messaging_webhookevent")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("messaging", "0009_message_refs_without_db_constraint"),
        ("emails", "0002_emailevent_message_without_db_constraint"),
        ("isvplatform", "0003_partitionkey"),
    ]

    operations = [migrations.RunPython(forwards(*TABLES), backwards(*TABLES), elidable=False)]
