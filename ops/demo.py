"""A live alert on purpose, for an operator on `make run` (`manage.py demo_alert`): the
sandbox's fault injection fails every delivery while a handful of the demo tenant's SMS go
through the normal send path, a few more go to the sandbox's carrier-filtered number (30007),
the sandbox calls back with the failures, and the conditions are evaluated. The delivery-rate
and carrier-filtering alerts open on the staff page (and staff are emailed); the fault is
switched off again at the end, so they resolve by themselves once the failures leave the
window (15 minutes by default)."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.test.utils import override_settings

from isvplatform.gateway import RetryableGatewayError
from messaging.services import SendRefused, message_dispatch, message_send
from ops import services
from ops.models import Alert
from tenants.models import Tenant
from tenants.services import Actor

logger = logging.getLogger(__name__)

HANDSETS = ["+16285550121", "+16285550122", "+16285550123"]
FILTERED = "+15005550013"  # the sandbox's magic number: undelivered with 30007
BODY = "Demo Coffee: your order is on its way."


@dataclass
class DemoAlertResult:
    sent: int
    refused: str
    evaluation: services.Evaluation
    open_alerts: list[Alert]


def _send(tenant: Tenant, to: str) -> None:
    message = message_send(tenant=tenant, to=to, body=BODY, actor=Actor.system())
    try:
        message_dispatch(str(message.pk))  # as the send task would (it then finds it sent)
    except RetryableGatewayError as err:
        logger.warning("demo alert: SMS %s left to the worker: %s", message.pk, err)


def demo_alert(tenant: Tenant) -> DemoAlertResult:
    """Fail deliveries through the sandbox and evaluate the alerts (see the module)."""
    from sandbox import clock, faults

    failing = max(settings.OPS_DELIVERY_MIN_MESSAGES, 1)
    filtered = max(settings.OPS_CARRIER_FILTER_MAX, 1)
    targets = [HANDSETS[i % len(HANDSETS)] for i in range(failing)] + [FILTERED] * filtered
    sent, refused = 0, ""
    with (
        override_settings(SANDBOX_CALLBACKS_INPROCESS=True),
        faults.injected(delivery_failure_rate=1.0),
    ):
        for to in targets:
            try:
                _send(tenant, to)
            except (SendRefused, ValidationError) as err:
                refused = str(err)
                break
            sent += 1
        for _ in range(4):
            clock.advance(5)  # queued → sent → undelivered, each with its callback
    evaluation = services.evaluate_all()
    open_alerts = list(Alert.objects.filter(state=Alert.State.OPEN).order_by("first_seen"))
    return DemoAlertResult(sent, refused, evaluation, open_alerts)
