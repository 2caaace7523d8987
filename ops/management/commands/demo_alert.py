from django.core.management.base import CommandError

from isvplatform.demo import DemoTenantCommand
from isvplatform.public import absolute_url
from ops.demo import demo_alert
from ops.notify import DASHBOARD_PATH


class Command(DemoTenantCommand):
    help = (
        "Raise a live staff alert on purpose: turn on the sandbox's delivery-failure fault, "
        "send the demo tenant's SMS through the normal path (and a few to the sandbox's "
        "carrier-filtered number), evaluate the alerts and print them."
    )

    def handle(self, *args, **options):
        tenant = self.demo_tenant(options)
        result = demo_alert(tenant)
        self.stdout.write(f"Sent {result.sent} SMS with every delivery failing in the sandbox.")
        if result.refused:
            self.stdout.write(self.style.WARNING(f"A send was refused: {result.refused}"))
        if not result.open_alerts:
            raise CommandError("No alert opened; are the sandbox and its clock running?")
        for alert in result.open_alerts:
            line = f"[{alert.get_severity_display()}] {alert.get_kind_display()}: {alert.summary}"
            self.stdout.write(self.style.ERROR(line))
        self.stdout.write(f"Staff alert page: {absolute_url(DASHBOARD_PATH)}")
