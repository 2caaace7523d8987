from django.core.management.base import CommandError

from billing.demo import demo_spending_cap
from billing.portal_data import limit_description
from isvplatform.demo import DemoTenantCommand


class Command(DemoTenantCommand):
    help = (
        "Hit a spending cap on purpose: give the demo tenant a hard daily spend limit just "
        "above today's spend, send SMS until the sandbox's usage trigger fires, and print "
        "the refusal of the next send."
    )

    def handle(self, *args, **options):
        tenant = self.demo_tenant(options)
        result = demo_spending_cap(tenant)
        self.stdout.write(
            f"Hard limit: {limit_description(result.limit)} "
            f"({result.limit.get_sync_status_display()}); sent {result.sent} SMS under it."
        )
        if result.refusal is None:
            raise CommandError("The cap was not reached; is the sandbox clock moving?")
        self.stdout.write(self.style.WARNING(f"The next send was refused: {result.refusal.reason}"))
        self.stdout.write(result.refusal.reason_message)
