"""One-click unsubscribe (RFC 8058) for marketing email.

Every marketing email carries `List-Unsubscribe: <https URL>` and `List-Unsubscribe-Post:
List-Unsubscribe=One-Click`, plus a visible footer link to the same URL. The URL holds a
token signed for that one recipient (tenant, address, message), so it needs no session:
Gmail's one-click POST arrives without cookies, and a person's click opens a confirm page
whose button posts the same. A tampered or expired token is refused, never trusted.
The opt-out goes through `messaging.services.optout_add`, which writes the consent ledger.
"""

import html as html_lib
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.urls import reverse

from isvplatform.public import absolute_url
from messaging.models import Channel, Message, OptOut
from messaging.services import optout_add
from tenants.models import Tenant
from tenants.services import Actor

SALT = "emails.unsubscribe"
# Mail is read (and unsubscribed from) long after it was sent.
MAX_AGE = timedelta(days=400)
ONE_CLICK = "List-Unsubscribe=One-Click"


class BadUnsubscribeToken(Exception):
    """The link was altered, is too old, or names a tenant that is gone."""


@dataclass(frozen=True)
class Unsubscribe:
    tenant: Tenant
    address: str
    message_id: str | None


def unsubscribe_token(*, tenant_id: int, address: str, message_id: str | None = None) -> str:
    return signing.dumps([tenant_id, address.lower(), message_id], salt=SALT, compress=True)


def unsubscribe_url(message: Message) -> str:
    """The signed, per-recipient unsubscribe URL of `message` (saved or not yet)."""
    token = unsubscribe_token(
        tenant_id=message.tenant_id, address=message.to_number, message_id=str(message.pk)
    )
    return absolute_url(reverse("emails:unsubscribe", args=[token]))


def unsubscribe_read(token: str) -> Unsubscribe:
    """Who a token unsubscribes; raises BadUnsubscribeToken."""
    try:
        tenant_id, address, message_id = signing.loads(
            token, salt=SALT, max_age=MAX_AGE.total_seconds()
        )
    except (signing.BadSignature, ValueError, TypeError) as err:
        raise BadUnsubscribeToken(str(err)) from err
    tenant = Tenant.objects.filter(pk=tenant_id).first()
    if tenant is None or not isinstance(address, str):
        raise BadUnsubscribeToken("unknown tenant")
    return Unsubscribe(tenant=tenant, address=address, message_id=message_id)


def unsubscribe_apply(token: str, *, one_click: bool = False) -> tuple[OptOut, bool]:
    """Record the opt-out a token names (idempotent); True when it is new."""
    target = unsubscribe_read(token)
    message = None
    if target.message_id:
        message = Message.objects.for_tenant(target.tenant).filter(pk=target.message_id).first()
    how = "one-click (List-Unsubscribe-Post)" if one_click else "the unsubscribe page"
    return optout_add(
        tenant=target.tenant,
        number=target.address,
        channel=Channel.EMAIL,
        source=OptOut.Source.UNSUBSCRIBE,
        actor=Actor.system(),
        reason=f"Unsubscribed through {how}.",
        message=message,
    )


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """The RFC 8058 headers (one-click needs the https URL; the DKIM signature covers them)."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": ONE_CLICK}


def footer_html(url: str, sender: str) -> str:
    link = html_lib.escape(url, quote=True)
    return (
        '<p style="margin-top:24px;font-size:12px;color:#6b7280;text-align:center">'
        f"You receive this email from {html_lib.escape(sender)}. "
        f'<a href="{link}" style="color:#6b7280">Unsubscribe</a></p>'
    )


def with_footer(html: str, text: str, *, url: str, sender: str) -> tuple[str, str]:
    """The parts with a visible unsubscribe link at the end."""
    text = f"{text.rstrip()}\n\n--\nYou receive this email from {sender}.\nUnsubscribe: {url}\n"
    if html:
        html = f"{html}\n{footer_html(url, sender)}"
    return html, text.lstrip()
