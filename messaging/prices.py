"""Twilio's real price of a message, recorded once it is known.

Status callbacks carry no price: Twilio fills `price`/`price_unit` on the Message resource
after sending, so a message that reached a final status is fetched once more and its price
stored (`messaging.enqueue.fetch_message_price` queues that after the commit). Until then
the portal and API show the estimate, marked as such.
"""

import logging

from isvplatform import gateway
from messaging.models import FINAL_RANK, Direction, Message, Status
from provisioning.accounts import tenant_account

logger = logging.getLogger(__name__)


class PriceNotYet(Exception):
    """Twilio has not priced the message yet; fetch it again later."""


def message_price_record(message_id: str) -> bool:
    """Fetch a final outbound message from Twilio and store its price; True when stored.

    Idempotent: a message that already has a price, or isn't final or sent, is left alone.
    Raises PriceNotYet when Twilio answers without a price (it prices a little later).
    """
    message = Message.objects.select_related("tenant").filter(pk=message_id).first()
    if (
        message is None
        or not message.sid
        or message.direction != Direction.OUTBOUND
        or message.status_rank < FINAL_RANK
        or message.price is not None
    ):
        return False
    result = gateway.fetch_message(tenant_account(message.tenant).client(), message.sid)
    if result.price is None:
        if message.status == Status.FAILED:
            return False  # Twilio doesn't charge a message it could not send.
        raise PriceNotYet(message.sid)
    updated = Message.objects.filter(pk=message.pk, price__isnull=True).update(
        price=abs(result.price), price_unit=(result.price_unit or "").upper()
    )
    return bool(updated)
