"""Monthly range partitions of the ESP tracking events, `emails_emailevent`, by
`received_at`, on PostgreSQL; nothing on SQLite. Live-safe in the same steps as
messaging's 0010 (see `isvplatform.partition_migrate`)."""

from django.db import migrations

from isvplatform.partition_migrate import backwards, forwards


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("emails", "0002_emailevent_message_without_db_constraint"),
        ("isvplatform", "0003_partitionkey"),
    ]

    operations = [
        migrations.RunPython(
            forwards("emails_emailevent"), backwards("emails_emailevent"), elidable=False
        )
    ]
