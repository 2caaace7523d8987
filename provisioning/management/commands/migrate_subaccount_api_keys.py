"""Give every active subaccount created before API keys its key, so its REST calls stop using
the auth token. Safe to re-run: subaccounts that have a key are left alone."""

from django.core.management.base import BaseCommand, CommandError

from provisioning.api_keys import migrate_api_keys


class Command(BaseCommand):
    help = "Create the REST API key of every active subaccount that has none, in batches."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=50)

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        result = migrate_api_keys(batch_size=batch_size)
        self.stdout.write(
            f"{result.keyed} subaccount(s) now use an API key, {result.skipped} skipped "
            f"(being changed by another run), {len(result.failed)} failed"
        )
        for sid, reason in result.failed.items():
            self.stderr.write(f"{sid}: {reason}")
        if result.failed:
            raise CommandError("Some subaccounts have no API key yet; run the command again.")
