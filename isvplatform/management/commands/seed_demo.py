from django.core.management.base import BaseCommand

from isvplatform.demo import credentials_file, ensure_demo_data


class Command(BaseCommand):
    help = "Create the demo superuser and demo tenant once, printing their generated passwords."

    def handle(self, *args, **options):
        result = ensure_demo_data()
        if result["created"]:
            self.stdout.write(self.style.SUCCESS("Demo data created. Sign in with:"))
        else:
            self.stdout.write(f"Demo data already present (credentials in {credentials_file()}):")
        for username, password in result["credentials"].items():
            self.stdout.write(f"  {username:<22} {password}")
