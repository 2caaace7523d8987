"""The local SES as its recipients see it: each address's inbox, the HTML with its links
rewritten for click tracking (as SES's click tracking rewrites them), and the Open and
Click events a reader's actions produce."""

from __future__ import annotations

import datetime as dt
import re
from email import policy
from email.parser import BytesParser
from urllib.parse import urlencode

from django.urls import reverse

from sandbox.aws.delivery import masked
from sandbox.aws.models import SesEmail, SesEvent, SesRecipient, SnsDeliveryAttempt
from sandbox.core import formats

RECEIVED = (
    SesRecipient.Outcome.DELIVERY,
    SesRecipient.Outcome.COMPLAINT,
    SesRecipient.Outcome.OOTO,
)
_LINK = re.compile(r"""(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?://[^"']+)\2""", re.IGNORECASE)
SHOWN_HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date", "List-Unsubscribe",
                 "List-Unsubscribe-Post")  # fmt: skip


def links(html: str) -> list[str]:
    """The tracked links of an email's HTML, in order."""
    return [m.group(3).replace("&amp;", "&") for m in _LINK.finditer(html or "")]


def tracked_html(email: SesEmail, address: str) -> str:
    """The HTML with each http(s) link sent through the sandbox's click redirect."""
    counter = iter(range(10_000))

    def rewrite(match: re.Match) -> str:
        path = reverse("sandbox:ses-click", args=[email.message_id, next(counter)])
        quote_char = match.group(2)
        target = f"{path}?{urlencode({'address': address})}"
        return f"{match.group(1)}{quote_char}{target}{quote_char}"

    return _LINK.sub(rewrite, email.html or "")


def header(email: SesEmail, name: str) -> str:
    return next((h["value"] for h in email.headers if h["name"].lower() == name.lower()), "")


def attachments(email: SesEmail) -> list[dict]:
    """Names, types and sizes of the email's attachments (from the stored MIME)."""
    if not email.raw:
        return []
    message = BytesParser(policy=policy.default).parsebytes(bytes(email.raw))
    found = []
    for part in message.iter_attachments():
        content = part.get_payload(decode=True) or b""
        found.append(
            {
                "filename": part.get_filename() or "(unnamed)",
                "content_type": part.get_content_type(),
                "size": len(content),
            }
        )
    return found


def email_json(email: SesEmail, address: str) -> dict:
    return {
        "kind": "ses",
        "message_id": email.message_id,
        "from": email.from_header or email.source,
        "to": address,
        "subject": email.subject,
        "text": email.text,
        "body": email.text,
        "html": email.html,
        "headers": [dict(h) for h in email.headers],
        "list_unsubscribe": header(email, "List-Unsubscribe"),
        "list_unsubscribe_post": header(email, "List-Unsubscribe-Post"),
        "date": formats.iso8601(email.sent_at),
        "auto_reply": email.auto_reply_to_id is not None,
    }


def received(address: str, limit: int = 100) -> list[SesEmail]:
    """The emails that reached an address (bounced ones never arrive), newest first."""
    return list(
        SesEmail.objects.filter(
            recipients__address=address.strip().lower(), recipients__outcome__in=RECEIVED
        )
        .distinct()
        .order_by("-sent_at", "-id")[:limit]
    )


def emails(address: str, limit: int = 100) -> list[dict]:
    return [email_json(e, address.strip().lower()) for e in received(address, limit)]


def find(message_id: str, address: str | None = None) -> tuple[SesEmail, str] | None:
    """An email and the recipient reading it (the first who received it by default)."""
    email = SesEmail.objects.select_related("account").filter(message_id=message_id).first()
    if email is None:
        return None
    recipients = email.recipients.filter(outcome__in=RECEIVED)
    if address:
        recipients = recipients.filter(address=address.strip().lower())
    recipient = recipients.order_by("id").first()
    return (email, recipient.address) if recipient is not None else None


def _event(email: SesEmail, kind: str, address: str, now: dt.datetime, **detail) -> SesEvent:
    return SesEvent.objects.create(
        email=email, event_type=kind, recipients=[address], detail=detail, due_at=now
    )


def record_open(email: SesEmail, address: str, now: dt.datetime, user_agent: str = "") -> bool:
    """The reader opened the email: SES's open pixel (HTML emails only) fires `Open`."""
    email.recipients.filter(address=address, opened_at__isnull=True).update(opened_at=now)
    if not email.html:
        return False
    _event(email, "Open", address, now, user_agent=user_agent or "Mozilla/5.0 (sandbox mailbox)")
    return True


def record_click(
    email: SesEmail, address: str, index: int, now: dt.datetime, user_agent: str = ""
) -> str | None:
    """The reader clicked the `index`-th link: `Click` is published, the link returned."""
    found = links(email.html)
    if not 0 <= index < len(found):
        return None
    _event(
        email, "Click", address, now,
        link=found[index], user_agent=user_agent or "Mozilla/5.0 (sandbox mailbox)",
    )  # fmt: skip
    return found[index]


def sns_attempts(limit: int = 100) -> list[dict]:
    """The latest SNS delivery attempts, newest first (endpoints with passwords masked)."""
    rows = SnsDeliveryAttempt.objects.select_related("delivery__subscription").order_by("-id")
    return [
        {
            "message_type": a.delivery.message_type,
            "message_id": a.delivery.message_id,
            "endpoint": masked(a.delivery.subscription.endpoint),
            "attempt": a.number,
            "at": a.at.isoformat(),
            "outcome": a.outcome,
            "status_code": a.status_code,
            "authenticated": a.authenticated,
            "error": a.error,
        }
        for a in rows[:limit]
    ]


def recent_addresses(limit: int = 12) -> list[str]:
    """Addresses that lately received an SES email, newest first (the mailbox's shortcuts)."""
    rows = (
        SesRecipient.objects.filter(outcome__in=RECEIVED)
        .order_by("-email__sent_at", "-id")
        .values_list("address", flat=True)[: limit * 5]
    )
    found: list[str] = []
    for address in rows:
        if address not in found:
            found.append(address)
    return found[:limit]
