"""The email channel in `make run`: Demo Coffee adds its business domain as a sending
identity and the sandbox's SES verifies it; it then sends a welcome email, an email
broadcast to its email subscribers and a receipt to the mailbox simulator's bounce address.

The emails land in the sandbox mailbox (/sandbox/mailbox/), the welcome email and one
newsletter are opened there, and SES's events come back through SNS to the tracking
webhook: delivered and opened show in the message log, and the bounce puts the address on
the suppression list. Synchronous like the compliance steps: it drives the sandbox clock
and the send path itself (the worker's copies of those tasks then find nothing to do).
`make run` seeds before its web server is up, so meanwhile SNS's deliveries to the tracking
URL go through Django in this process (as in the tests): the statuses are there at once,
instead of after SNS's retries. Idempotent: the identity, the subscribers and the sends are
made once.
"""

import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.test.utils import override_settings

from broadcasts import dispatcher
from broadcasts.models import Broadcast
from broadcasts.services import drafts, lifecycle
from contacts.models import Audience, Contact
from contacts.services.audiences import audience_create, members_add
from contacts.services.contacts import contact_create
from emails.models import EmailIdentity
from emails.services import email_send, identity_check, identity_create, identity_submit
from isvplatform.gateway import RetryableGatewayError
from messaging.models import Channel, Message
from messaging.services import message_dispatch
from tenants.models import Tenant
from tenants.services import Actor

logger = logging.getLogger(__name__)

BOUNCE_ADDRESS = "bounce@simulator.amazonses.com"
SUBSCRIBERS = [
    ("Mia", "Chen", "mia.chen@example.net"),
    ("Noah", "Patel", "noah.patel@example.net"),
    ("Olivia", "Brooks", "olivia.brooks@example.net"),
]
AUDIENCE_NAME = "Email subscribers"
BROADCAST_NAME = "Autumn blend newsletter"
WELCOME_SUBJECT = "Welcome to Demo Coffee, {{first_name|friend}}"
WELCOME_HTML = (
    "<h1>Welcome, {{first_name|friend}}!</h1>"
    "<p>Thanks for joining the Demo Coffee list. Show this email at the counter for a free "
    '<strong>espresso</strong>, or <a href="https://demo-coffee.example.com/menu">see the '
    "menu</a>.</p>"
)
NEWSLETTER_SUBJECT = "The autumn blend is here, {{first_name|friend}}"
NEWSLETTER_HTML = (
    "<h1>Autumn blend</h1>"
    "<p>Hi {{first_name|there}}, our autumn blend (cinnamon, dark cocoa) is in the shop "
    'this week. <a href="https://demo-coffee.example.com/autumn">Read more</a>.</p>'
)
MAX_VERIFY_ROUNDS = 5


def sending_domain(tenant: Tenant) -> str:
    """The tenant's business domain (its website's host without `www.`)."""
    profile = getattr(tenant, "profile", None)
    host = urlsplit(getattr(profile, "website", "") or "").hostname or ""
    return host.removeprefix("www.") or f"{tenant.slug}.example.com"


def from_address(tenant: Tenant) -> str:
    return f"hello@{sending_domain(tenant)}"


def verify_demo_domain(tenant: Tenant) -> EmailIdentity | None:
    """The domain created at the sandbox's SES and verified (the clock moved past its
    verification delay, then polled as the beat job would)."""
    from sandbox import clock

    name = sending_domain(tenant)
    identity = EmailIdentity.objects.for_tenant(tenant).filter(name=name).first()
    if identity is None:
        identity = identity_create(tenant=tenant, name=name, actor=Actor.system())
    if identity.is_verified:
        return identity
    identity_submit(str(identity.pk))
    for _ in range(MAX_VERIFY_ROUNDS):
        clock.advance(settings.SANDBOX_SES_VERIFY_SECONDS + 1)
        identity_check(str(identity.pk), force=True)
        identity.refresh_from_db()
        if identity.is_verified or identity.status == EmailIdentity.Status.FAILED:
            break
    logger.info("demo: sending domain %s is %s", name, identity.get_status_display().lower())
    return identity if identity.is_verified else None


def demo_subscribers(tenant: Tenant) -> Audience:
    """A static audience of contacts with an email address and email marketing consent."""
    actor = Actor.system()
    audience = Audience.objects.for_tenant(tenant).filter(name=AUDIENCE_NAME).first()
    if audience is None:
        audience = audience_create(
            tenant=tenant, actor=actor, data={"name": AUDIENCE_NAME, "kind": "static"}
        )
    for first, last, email in SUBSCRIBERS:
        if not Contact.objects.for_tenant(tenant).filter(email=email).exists():
            contact_create(
                tenant=tenant,
                actor=actor,
                data={"first_name": first, "last_name": last, "email": email,
                      "consent": {"email": "web_form"}},
            )  # fmt: skip
    members_add(
        audience=audience,
        actor=actor,
        contacts=Contact.objects.for_tenant(tenant).filter(email__in=[s[2] for s in SUBSCRIBERS]),
    )
    return audience


def _hand_over(message: Message) -> Message:
    """Send now, as the worker's send task would (which then finds it handled)."""
    try:
        message_dispatch(str(message.pk))
    except RetryableGatewayError as err:
        logger.warning("demo: email %s left to the worker: %s", message.pk, err)
    message.refresh_from_db()
    return message


def _send_broadcast(tenant: Tenant, audience: Audience) -> Broadcast:
    broadcast = drafts.broadcast_create(
        tenant=tenant, actor=Actor.system(), name=BROADCAST_NAME, channel=Channel.EMAIL,
        audience=audience, subject=NEWSLETTER_SUBJECT, html=NEWSLETTER_HTML,
        from_number=from_address(tenant),
    )  # fmt: skip
    broadcast = lifecycle.broadcast_launch(broadcast, Actor.system())
    for _ in range(len(SUBSCRIBERS) + 2):
        if dispatcher.broadcast_dispatch(broadcast.pk).outcome in ("completed", "not_sending"):
            break
    for message in Message.objects.filter(broadcast_recipient__broadcast=broadcast):
        _hand_over(message)
    broadcast.refresh_from_db()
    return broadcast


def _open(message: Message) -> None:
    """The recipient opens it in the sandbox mailbox (as the mailbox page does): SES's Open
    event follows on the next tick."""
    from sandbox import clock
    from sandbox.aws import mailbox

    found = (
        mailbox.find(message.esp_message_id, message.to_number) if message.esp_message_id else None
    )
    if found is not None:
        mailbox.record_open(*found, clock.now())


def send_demo_emails(tenant: Tenant) -> None:
    """The demo step (see the module docstring)."""
    with override_settings(SANDBOX_CALLBACKS_INPROCESS=True):
        _send_demo_emails(tenant)


def _send_demo_emails(tenant: Tenant) -> None:
    from sandbox import clock

    identity = verify_demo_domain(tenant)
    if identity is None:
        logger.warning("demo: %s has no verified sending domain; no demo emails", tenant)
        return
    audience = demo_subscribers(tenant)
    if Broadcast.objects.for_tenant(tenant).filter(name=BROADCAST_NAME).exists():
        return
    actor, sender = Actor.system(), from_address(tenant)
    first, _, address = SUBSCRIBERS[0]
    try:
        welcome = email_send(
            tenant=tenant, to=address, from_=sender, from_name=tenant.name,
            subject=WELCOME_SUBJECT, html=WELCOME_HTML, variables={"first_name": first},
            category="marketing", actor=actor,
        )  # fmt: skip
        receipt = email_send(
            tenant=tenant, to=BOUNCE_ADDRESS, from_=sender, from_name=tenant.name,
            subject="Your Demo Coffee receipt",
            html="<p>Thanks for your order: one flat white, $4.50.</p>", actor=actor,
        )  # fmt: skip
    except ValidationError as err:
        logger.warning("demo: email refused: %s", err)
        return
    welcome, receipt = _hand_over(welcome), _hand_over(receipt)
    broadcast = _send_broadcast(tenant, audience)
    clock.advance(2)  # Send, Delivery and Bounce come due
    _open(welcome)
    first_newsletter = Message.objects.filter(
        broadcast_recipient__broadcast=broadcast, to_number=address
    ).first()
    if first_newsletter is not None:
        _open(first_newsletter)
    clock.advance(1)
    logger.info(
        "demo: sent %s, %s and broadcast %s (%s recipients)",
        welcome.pk, receipt.pk, broadcast.pk, broadcast.sent,
    )  # fmt: skip
