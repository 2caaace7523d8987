"""Sending an email: validate it completely, then store it and enqueue its send on commit.

The checks run in this order and the first that fails raises (nothing is stored then): the
addresses, the category, the content (a template rendered with its variables, or the parts
given; subject required, sizes bounded), the sender identity (verified, in the account the
tenant sends through), the suppression list. The HTML is sanitised and the text part
generated when missing; marketing email gets the RFC 8058 unsubscribe headers and a footer
link. The `Message` (channel email) is committed and messaging's send task enqueued on
commit, the same outbox as SMS; the task hands it to `transport.email_transport`.
"""

import uuid
from collections.abc import Mapping
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from emails import esp
from emails.models import EmailIdentity, EmailTemplate
from emails.services.content import html_to_text, render_email, sanitize_html
from emails.services.unsubscribe import list_unsubscribe_headers, unsubscribe_url, with_footer
from messaging.models import STATUS_RANK, Channel, Direction, Message, OptOut, Status
from messaging.services import (
    SendRefused,
    admission,
    is_opted_out,
)
from messaging.services.common import normalize_email
from messaging.services.sending import store_queued
from tenants.models import Tenant
from tenants.services import Actor

MAX_SUBJECT_CHARS = 998
MAX_FROM_NAME_CHARS = 100
MARKETING = EmailTemplate.Category.MARKETING
TRANSACTIONAL = EmailTemplate.Category.TRANSACTIONAL


def _identities_for(tenant: Tenant, address: str) -> list[EmailIdentity]:
    """The identities that cover `address` in the account the tenant sends through now (its
    own or the platform's), most specific first: the address, its domain, parent domains."""
    own = esp.active_credentials(tenant) is not None
    labels = address.rsplit("@", 1)[-1].split(".")
    names = [address, *(".".join(labels[i:]) for i in range(len(labels) - 1))]
    found = EmailIdentity.objects.for_tenant(tenant).filter(name__in=names, own_credentials=own)
    return sorted(found, key=lambda identity: names.index(identity.name))


def sending_identity(tenant: Tenant, address: str) -> EmailIdentity | None:
    """The verified identity `address` may send from, or None."""
    return next((i for i in _identities_for(tenant, address) if i.is_verified), None)


def identity_refusal(tenant: Tenant, address: str) -> SendRefused:
    found = _identities_for(tenant, address)
    if found:
        pending = found[0]
        detail = (
            f"its identity {pending.name} is not verified yet ({pending.get_status_display()}): "
            "publish its DNS records and wait for the check."
        )
    else:
        domain = address.rsplit("@", 1)[-1]
        own = esp.active_credentials(tenant) is not None
        where = "your own ESP account" if own else "the platform"
        detail = f"add {domain} (or this address) as a sender identity in {where} and verify it."
    return SendRefused("identity_not_verified", f"{address} can't send email yet: {detail}", "from")


def suppressed_refusal(tenant: Tenant, address: str) -> SendRefused:
    optout = OptOut.objects.for_tenant(tenant).filter(number=address, channel=Channel.EMAIL).first()
    why = f" ({optout.get_source_display()})" if optout is not None else ""
    return SendRefused(
        "recipient_suppressed",
        f"{address} is on your suppression list{why}: email to it is not sent.",
        "to",
    )


def _clean_category(category: str) -> str:
    category = (category or TRANSACTIONAL).strip().lower()
    if category not in EmailTemplate.Category.values:
        raise ValidationError({"category": "Choose marketing or transactional."})
    return category


def _template(tenant: Tenant, template_id: str) -> EmailTemplate:
    try:
        pk = uuid.UUID(str(template_id))
    except ValueError:
        raise ValidationError({"template": "Give the id of one of your email templates."}) from None
    template = EmailTemplate.objects.for_tenant(tenant).filter(pk=pk).first()
    if template is None:
        raise ValidationError({"template": "No email template with this id."})
    return template


def _check_sizes(subject: str, html: str, text: str) -> None:
    limit = settings.EMAIL_MAX_HTML_CHARS
    for name, value in (("html", html), ("text", text)):
        if len(value) > limit:
            raise ValidationError(
                {name: f"The {name} part has {len(value)} characters; the limit is {limit}."}
            )
    if len(subject) > MAX_SUBJECT_CHARS:
        raise ValidationError(
            {"subject": f"The subject is limited to {MAX_SUBJECT_CHARS} characters."}
        )


def email_content(
    tenant: Tenant,
    *,
    subject: str,
    html: str,
    text: str,
    template: str,
    variables: Mapping[str, Any] | None,
) -> tuple[str, str, str, EmailTemplate | None]:
    """(subject, sanitised html, text, template) of a send; raises ValidationError."""
    subject, html, text = subject or "", html or "", text or ""
    _check_sizes(subject, html, text)
    if variables is not None and not isinstance(variables, Mapping):
        raise ValidationError({"variables": "Give the variables as an object of names and values."})
    if template:
        if subject.strip() or html.strip() or text.strip():
            raise ValidationError(
                {"template": "A template send takes its subject and parts from the template: "
                 "leave subject, html and text empty."}
            )  # fmt: skip
        found = _template(tenant, template)
        subject, html, text = render_email(found, variables)
    elif variables:
        found = None
        subject, html, text = render_email(
            {"subject": subject, "html": html, "text": text}, variables
        )
    else:
        found = None
        subject, html = " ".join(subject.split()), sanitize_html(html)
        text = text.strip() or html_to_text(html)
    if not subject:
        raise ValidationError({"subject": "An email needs a subject."})
    if not html and not text:
        raise ValidationError({"html": "Write the HTML or the text of the email."})
    return subject, html, text, found


def clean_sender(value: str, name: str = "") -> tuple[str, str]:
    """`from` as (display name, address): "Demo Coffee <hello@demo.example>" or a bare
    address, whose name `name` gives or replaces. The name goes into a header, so line breaks
    and NULs are refused."""
    raw = (value or "").strip()
    if any(c in raw + name for c in "\r\n\x00"):
        raise ValidationError({"from": "The sender can't contain line breaks or NUL bytes."})
    given, address = parseaddr(raw) if "<" in raw else ("", raw)
    if "<" in raw and not address:
        raise ValidationError({"from": f"{raw} is not an address like Name <ana@example.com>."})
    name = (name or given).strip()
    if len(name) > MAX_FROM_NAME_CHARS:
        raise ValidationError(
            {"from": f"The sender's name has {len(name)} characters; the limit is "
             f"{MAX_FROM_NAME_CHARS}."}
        )  # fmt: skip
    return name, normalize_email(address, "from")


def email_send(
    *,
    tenant: Tenant,
    to: str,
    from_: str,
    subject: str = "",
    html: str = "",
    text: str = "",
    template: str = "",
    variables: Mapping[str, Any] | None = None,
    category: str = TRANSACTIONAL,
    from_name: str = "",
    actor: Actor,
    origin: str = Message.Origin.API,
) -> Message:
    """Validate and queue one email; its send task is enqueued on commit. A marketing email
    (or one from a marketing template) carries the one-click unsubscribe.

    `from_` is an address on a verified identity, bare or with a display name ("Demo Coffee
    <hello@demo.example>"; `from_name` gives one instead). Raises ValidationError (SendRefused
    with a reason code); nothing is stored then."""
    to_address = normalize_email(to, "to")
    from_name, from_address = clean_sender(from_, from_name)
    category = _clean_category(category)
    subject, html, text, found = email_content(
        tenant, subject=subject, html=html, text=text, template=template, variables=variables
    )
    if found is not None and found.category == MARKETING:
        category = MARKETING
    if sending_identity(tenant, from_address) is None:
        raise identity_refusal(tenant, from_address)
    if is_opted_out(tenant.pk, to_address, Channel.EMAIL):
        raise suppressed_refusal(tenant, to_address)
    admission.admit_one(tenant, channel=Channel.EMAIL, origin=origin)
    now = timezone.now()
    message = Message(
        tenant=tenant,
        direction=Direction.OUTBOUND,
        channel=Channel.EMAIL,
        origin=origin,
        from_number=from_address,
        from_name=from_name,
        to_number=to_address,
        subject=subject,
        html=html,
        body=text,
        esp_name=esp.connection_esp(tenant),
        status=Status.QUEUED,
        status_rank=STATUS_RANK[Status.QUEUED],
        segments=1,
        created_by=actor.user,
        actor_label=actor.label,
        created_at=now,
        updated_at=now,
    )
    if category == MARKETING:
        url = unsubscribe_url(message)
        message.headers = list_unsubscribe_headers(url)
        message.html, message.body = with_footer(html, text, url=url, sender=tenant.name)
    store_queued(message, lambda: message.from_number)
    return message
