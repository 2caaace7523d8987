"""Re-encrypt every encrypted value with the first key of ENCRYPTION_KEYS.

Rows already under that key are skipped, so a run that stopped half-way (or a second
run) only does what is left. Retire an old key from ENCRYPTION_KEYS only after a run
that reports no failures.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from isvplatform import crypto
from isvplatform.fields import EncryptedTextField, encrypted_fields


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field to the first key of ENCRYPTION_KEYS, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        primary = crypto.keyring().primary_id
        failed_total = 0
        for field in encrypted_fields():
            rotated, current, failed = self.rotate_field(field, primary, batch_size)
            failed_total += failed
            self.stdout.write(
                f"{field.model._meta.label}.{field.name}: {rotated} re-encrypted, "
                f"{current} already under key {primary!r}, {failed} failed"
            )
        if failed_total:
            raise CommandError(
                f"{failed_total} value(s) could not be decrypted with any listed key; "
                "keep the old keys until they are fixed."
            )

    def rotate_field(
        self, field: EncryptedTextField, primary: str, batch_size: int
    ) -> tuple[int, int, int]:
        """Walk the field's rows not yet under `primary` in pk order, one locked batch at a time."""
        manager = field.model._base_manager
        stored = manager.exclude(**{f"{field.attname}__isnull": True})
        current_prefix = f"{crypto.FORMAT_VERSION}:{primary}:"
        current = stored.filter(**{f"{field.attname}__startswith": current_prefix}).count()
        stale = stored.exclude(**{f"{field.attname}__startswith": current_prefix}).order_by("pk")
        rotated = failed = 0
        last_pk = None
        while True:
            with transaction.atomic():
                page = stale if last_pk is None else stale.filter(pk__gt=last_pk)
                batch = list(page.select_for_update()[:batch_size])
                if not batch:
                    break
                for obj in batch:
                    try:
                        getattr(obj, field.attname)  # decrypts with whichever key sealed it
                    except crypto.DecryptionError as err:
                        failed += 1
                        self.stderr.write(f"{field.model._meta.label} {obj.pk}: {err}")
                        continue
                    sealed = field.pre_save(obj, add=False)
                    manager.filter(pk=obj.pk).update(**{field.attname: sealed})
                    rotated += 1
                last_pk = batch[-1].pk
        return rotated, current, failed
