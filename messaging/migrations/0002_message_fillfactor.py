from django.db import migrations


def message_fillfactor(apps, schema_editor):
    # Room on each page for a new row version, so status callbacks are HOT updates (no index
    # touches the columns they change). PostgreSQL only.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE messaging_message SET (fillfactor = 70)")


class Migration(migrations.Migration):
    dependencies = [("messaging", "0001_initial")]

    operations = [migrations.RunPython(message_fillfactor, migrations.RunPython.noop)]
