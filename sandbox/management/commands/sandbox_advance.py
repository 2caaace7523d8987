from django.core.management.base import BaseCommand, CommandError

from sandbox import clock


class Command(BaseCommand):
    help = "Move the Twilio sandbox clock and run the lifecycle transitions and callbacks due."

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=float, default=1.0, help="how far to move (s)")
        parser.add_argument(
            "--wall", action="store_true", help="catch up with the wall clock instead"
        )

    def handle(self, *args, seconds: float, wall: bool, **options):
        try:
            result = clock.catch_up() if wall else clock.advance(seconds)
        except ValueError as err:
            raise CommandError(str(err))
        self.stdout.write(
            f"sandbox clock at {result.now.isoformat()}: {result.transitions} transitions, "
            f"{result.callbacks} callbacks"
        )
