"""Queueing messaging's Celery tasks by name, once the surrounding transaction commits.

The services (and `inbound`, `statuses`) enqueue here instead of importing `messaging.tasks`,
which imports them: the task is looked up in Celery's registry by its name (`apps.py`
registers the tasks when Django starts), so eager mode (tests) still runs it in place, as
`.delay()` does.
"""

from django.db import transaction

from isvplatform.enqueue import publish

SEND = "messaging.send"
SEND_MANY = "messaging.send_many"
FETCH_MEDIA = "messaging.fetch_media"
FETCH_PRICE = "messaging.fetch_price"


def send_message(message_id: str) -> None:
    """Hand a queued message to Twilio after the commit (the outbox; the sweeper backs it up)."""
    transaction.on_commit(lambda: publish(SEND, message_id))


def send_messages(message_ids: list[str]) -> None:
    """Hand a batch of queued messages to Twilio after the commit: one fan-out task that
    enqueues each message's send task (one publish per batch, not per message)."""
    if message_ids:
        transaction.on_commit(lambda: publish(SEND_MANY, message_ids))


def fetch_inbound_media(message_id: str) -> None:
    """Copy an inbound message's media into storage after the commit."""
    transaction.on_commit(lambda: publish(FETCH_MEDIA, message_id))


def fetch_message_price(message_id: str) -> None:
    """After the status that made a message final commits, fetch its price (by id)."""
    transaction.on_commit(lambda: publish(FETCH_PRICE, message_id))
