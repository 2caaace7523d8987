"""Encrypt the sandbox accounts' auth tokens at rest, as the platform stores its copies."""

import isvplatform.fields
from django.db import migrations

from isvplatform import crypto
from isvplatform.fields import Ciphertext

FIELDS = ("auth_token", "secondary_auth_token")


def _is_sealed(value: str) -> bool:
    return value.startswith(f"{crypto.FORMAT_VERSION}:")


def encrypt_tokens(apps, schema_editor):
    """Seal every plaintext token; an empty secondary token becomes NULL."""
    Account = apps.get_model("sandbox", "Account")
    for pk, *stored in Account.objects.order_by("pk").values_list("pk", *FIELDS):
        plain = {
            name: str(value)
            for name, value in zip(FIELDS, stored, strict=True)
            if value is not None and not _is_sealed(value)
        }
        if plain:
            account = Account.objects.get(pk=pk)
            for name, value in plain.items():
                setattr(account, name, value)
            account.save(update_fields=list(plain))


def decrypt_tokens(apps, schema_editor):
    Account = apps.get_model("sandbox", "Account")
    for account in Account.objects.order_by("pk").iterator():
        plain = {}
        for name in FIELDS:
            secret = getattr(account, name)
            plain[name] = Ciphertext(secret.reveal() if secret else "")
        Account.objects.filter(pk=account.pk).update(**plain)


class Migration(migrations.Migration):
    dependencies = [
        ("sandbox", "0002_a2p_trusthub_brands_campaigns"),
    ]

    operations = [
        migrations.AlterField(
            model_name="account",
            name="auth_token",
            field=isvplatform.fields.EncryptedTextField(bind_to="sid", blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="account",
            name="secondary_auth_token",
            field=isvplatform.fields.EncryptedTextField(bind_to="sid", blank=True, null=True),
        ),
        migrations.RunPython(encrypt_tokens, decrypt_tokens),
    ]
