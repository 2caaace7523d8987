"""Print a person's current TOTP code: signing in to a development platform (`make run`)
without a phone. The key stays in the database; only the 6-digit code is printed."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from twofactor.selectors import totp_current_code, totp_device_for


class Command(BaseCommand):
    help = "Print the current two-factor code of a user (by username or email)."

    def add_arguments(self, parser):
        parser.add_argument("user", help="username or email")

    def handle(self, *args, user: str, **options):
        User = get_user_model()
        person = (
            User.objects.filter(username=user).first() or User.objects.filter(email=user).first()
        )
        if person is None:
            raise CommandError(f"No user {user!r}.")
        device = totp_device_for(person)
        if device is None:
            raise CommandError(f"{user} has no confirmed two-factor device.")
        self.stdout.write(totp_current_code(device))
