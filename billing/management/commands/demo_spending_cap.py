from django.core.management.base import BaseCommand, CommandError

from billing.demo import demo_spending_cap
from billing.portal_data import limit_description
from isvplatform.demo import DEMO_TENANT_SLUG
from tenants.models import Tenant


class Command(BaseCommand):
    help = (
        "Hit a spending cap on purpose: give the demo tenant a hard daily spend limit just "
        "above today's spend, send SMS until the sandbox's usage trigger fires, and print "
        "the refusal of the next send."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", default=DEMO_TENANT_SLUG, help="The tenant's slug.")

    def handle(self, *args, **options):
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise CommandError(f"No tenant {options['tenant']!r}: run `make run` (or seed_demo).")
        result = demo_spending_cap(tenant)
        self.stdout.write(
            f"Hard limit: {limit_description(result.limit)} "
            f"({result.limit.get_sync_status_display()}); sent {result.sent} SMS under it."
        )
        if result.refusal is None:
            raise CommandError("The cap was not reached; is the sandbox clock moving?")
        self.stdout.write(self.style.WARNING(f"The next send was refused: {result.refusal.reason}"))
        self.stdout.write(result.refusal.reason_message)
