"""SES v2 SendEmail: the MIME message recipients get (Raw as given, Simple built as SES
builds it), the From identity check, each recipient's simulated outcome and its events."""

from __future__ import annotations

import datetime as dt
import json
import re
import time
import uuid
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from sandbox.aws import ses
from sandbox.aws.errors import AwsError
from sandbox.aws.models import SesEmail, SesEvent, SesIdentity, SesRecipient
from sandbox.aws.registry import SES, Context, operation

SIMULATOR = "simulator.amazonses.com"
MAX_RECIPIENTS = 50
EICAR = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
MAX_BYTES = 40 * 1024 * 1024
_OUTCOMES = {
    "success": SesRecipient.Outcome.DELIVERY,
    "bounce": SesRecipient.Outcome.BOUNCE,
    "complaint": SesRecipient.Outcome.COMPLAINT,
    "ooto": SesRecipient.Outcome.OOTO,
    "suppressionlist": SesRecipient.Outcome.SUPPRESSED,
}
_VAR = re.compile(r"\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}")


def new_message_id() -> str:
    """SES's shape: 0100 + 12 hex of the epoch milliseconds, a UUID, -000000."""
    return f"0100{int(time.time() * 1000):012x}-{uuid.uuid4()}-000000"


def outcome_for(address: str) -> str:
    """The mailbox simulator's verdict (labels such as bounce+x@ count); others deliver."""
    local, _, domain = address.lower().rpartition("@")
    if domain == SIMULATOR:
        return _OUTCOMES.get(local.split("+", 1)[0], SesRecipient.Outcome.DELIVERY)
    return SesRecipient.Outcome.DELIVERY


def _content(value: dict | None) -> str:
    return (value or {}).get("Data", "") if isinstance(value, dict) else ""


def _render(text: str, data: dict) -> str:
    return _VAR.sub(lambda m: str(data.get(m.group(1), "")), text or "")


def _build(params: dict, simple: dict) -> EmailMessage:
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = params.get("FromEmailAddress", "")
    destination = params.get("Destination") or {}
    for header, key in (("To", "ToAddresses"), ("Cc", "CcAddresses")):
        if destination.get(key):
            message[header] = ", ".join(destination[key])
    if params.get("ReplyToAddresses"):
        message["Reply-To"] = ", ".join(params["ReplyToAddresses"])
    message["Subject"] = simple["subject"]
    for header in simple.get("headers") or []:
        message[header["Name"]] = header["Value"]
    text, html = simple.get("text", ""), simple.get("html", "")
    if text or not html:
        message.set_content(text)
        if html:
            message.add_alternative(html, subtype="html")
    else:
        message.set_content(html, subtype="html")
    for attachment in simple.get("attachments") or []:
        maintype, _, subtype = (
            attachment.get("ContentType") or "application/octet-stream"
        ).partition("/")
        message.add_attachment(
            attachment.get("RawContent") or b"",
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.get("FileName"),
        )
    return message


def _message(params: dict) -> EmailMessage:
    content = params.get("Content") or {}
    given = [key for key in ("Simple", "Raw", "Template") if content.get(key)]
    if len(given) != 1:
        raise AwsError(
            "BadRequestException", "Content must have exactly one of Simple, Raw or Template."
        )
    if given[0] == "Raw":
        data = content["Raw"].get("Data") or b""
        if len(data) > MAX_BYTES:
            raise AwsError("MessageRejected", "Message length is more than 40 MB.")
        return BytesParser(policy=policy.SMTP).parsebytes(data)
    if given[0] == "Simple":
        simple = content["Simple"]
        body = simple.get("Body") or {}
        parts = {
            "subject": _content(simple.get("Subject")),
            "text": _content(body.get("Text")),
            "html": _content(body.get("Html")),
            "headers": simple.get("Headers"),
            "attachments": simple.get("Attachments"),
        }
        return _build(params, parts)
    template = content["Template"]
    if template.get("TemplateName") or template.get("TemplateArn"):
        name = template.get("TemplateName") or template.get("TemplateArn")
        raise AwsError("NotFoundException", f"Template {name} does not exist.", 404)
    try:
        data = json.loads(template.get("TemplateData") or "{}")
    except ValueError:
        raise AwsError("BadRequestException", "TemplateData is not valid JSON.") from None
    inline = template.get("TemplateContent") or {}
    parts = {
        "subject": _render(inline.get("Subject", ""), data),
        "text": _render(inline.get("Text", ""), data),
        "html": _render(inline.get("Html", ""), data),
        "headers": template.get("Headers"),
        "attachments": template.get("Attachments"),
    }
    return _build(params, parts)


def _recipients(params: dict, message: EmailMessage) -> list[tuple[str, str]]:
    destination = params.get("Destination") or {}
    found = []
    for kind, key, header in (
        ("to", "ToAddresses", "To"),
        ("cc", "CcAddresses", "Cc"),
        ("bcc", "BccAddresses", "Bcc"),
    ):
        values = destination.get(key) if destination else message.get_all(header, [])
        for _, address in getaddresses([str(v) for v in values or []]):
            if address:
                found.append((kind, address))
    return found


def verified_identity(ctx: Context, address: str) -> SesIdentity | None:
    """The verified identity that lets `address` send: itself, its domain or a parent."""
    address = address.strip()
    domain = address.rpartition("@")[2].lower()
    names = [address] + [".".join(domain.split(".")[i:]) for i in range(domain.count(".") + 1)]
    for identity in SesIdentity.objects.filter(
        account=ctx.account, region=ctx.region, status=SesIdentity.Status.SUCCESS
    ):
        if identity.name.lower() in (n.lower() for n in names):
            return identity
    return None


def _check_identities(ctx: Context, source: str, recipients: list[tuple[str, str]]) -> SesIdentity:
    failed = []
    identity = verified_identity(ctx, source)
    if identity is None:
        failed.append(source)
    if not ctx.account.production_access:
        failed += [
            a for _, a in recipients
            if a.lower().rpartition("@")[2] != SIMULATOR and verified_identity(ctx, a) is None
        ]  # fmt: skip
    if failed:
        raise AwsError(
            "MessageRejected",
            "Email address is not verified. The following identities failed the check in "
            f"region {ctx.region.upper()}: {', '.join(failed)}",
        )
    return identity


def _parts(message: EmailMessage) -> tuple[str, str]:
    text_part = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    text = text_part.get_content() if text_part is not None else ""
    html = html_part.get_content() if html_part is not None else ""
    return text, html


@operation(SES, "SendEmail")
def send_email(ctx: Context, params: dict) -> dict:
    try:
        message = _message(params)
        source_header = params.get("FromEmailAddress") or message.get("From", "")
        if params.get("FromEmailAddress") and message.get("From") != params["FromEmailAddress"]:
            del message["From"]
            message["From"] = params["FromEmailAddress"]
    except (ValueError, TypeError, IndexError) as err:
        # The email package refuses header injection (CR/LF) and malformed headers.
        raise AwsError("MessageRejected", f"Invalid message: {err}") from None
    source = parseaddr(str(source_header))[1]
    if not source:
        raise AwsError("MessageRejected", "Missing required header 'From'.")
    recipients = _recipients(params, message)
    if not recipients:
        raise AwsError("BadRequestException", "Missing required field Destination.")
    if len(recipients) > MAX_RECIPIENTS:
        raise AwsError("MessageRejected", f"Recipient count exceeds {MAX_RECIPIENTS}.")
    identity = _check_identities(ctx, source, recipients)
    # Without ConfigurationSetName, the sending identity's default set applies (SES v2).
    set_name = params.get("ConfigurationSetName") or identity.configuration_set
    if set_name:
        ses.config_set(ctx, set_name)
    message_id = new_message_id()
    del message["Bcc"]
    if not message.get("Message-ID"):
        message["Message-ID"] = f"<{message_id}@email.amazonses.com>"
    if not message.get("Date"):
        message["Date"] = ctx.now.strftime("%a, %d %b %Y %H:%M:%S +0000")
    tags = {t["Name"]: [t["Value"]] for t in params.get("EmailTags") or []}
    tags.update(
        {
            "ses:operation": ["SendEmail"],
            "ses:source-ip": ["127.0.0.1"],
            "ses:from-domain": [source.rpartition("@")[2].lower()],
            "ses:caller-identity": [ctx.account.label],
        }
    )
    if set_name:
        tags["ses:configuration-set"] = [set_name]
    text, html = _parts(message)
    email = SesEmail.objects.create(
        account=ctx.account,
        region=ctx.region,
        message_id=message_id,
        source=source,
        from_header=str(message.get("From", "")),
        subject=str(message.get("Subject", "")),
        text=text,
        html=html,
        headers=[{"name": k, "value": str(v)} for k, v in message.items()],
        raw=message.as_bytes(),
        configuration_set=set_name,
        tags=tags,
        destination={"identity": identity.name, "addresses": [a for _, a in recipients]},
        sent_at=ctx.now,
    )
    _record_outcomes(email, recipients, ctx.now, rejected=_has_virus(message))
    return {"MessageId": message_id}


def _has_virus(message: EmailMessage) -> bool:
    """SES's virus scan, played by the EICAR test file: the email is accepted, then rejected."""
    for part in message.walk():
        if not part.is_multipart():
            payload = part.get_payload(decode=True) or b""
            if EICAR in payload:
                return True
    return False


def _record_outcomes(
    email: SesEmail, recipients: list[tuple[str, str]], now: dt.datetime, *, rejected: bool
) -> None:
    rows = [
        SesRecipient(
            email=email,
            address=a.lower(),
            kind=kind,
            outcome=SesRecipient.Outcome.REJECTED if rejected else outcome_for(a),
        )
        for kind, a in recipients
    ]
    SesRecipient.objects.bulk_create(rows)
    second = dt.timedelta(seconds=1)
    events = [SesEvent(email=email, event_type="Send", recipients=[], due_at=now)]
    if rejected:
        events.append(SesEvent(email=email, event_type="Reject", recipients=[], due_at=now))
    delivered = [r.address for r in rows if r.outcome in ("delivery", "complaint", "ooto")]
    if delivered:
        events.append(
            SesEvent(email=email, event_type="Delivery", recipients=delivered, due_at=now + second)
        )
    for outcome in (SesRecipient.Outcome.BOUNCE, SesRecipient.Outcome.SUPPRESSED):
        bounced = [r.address for r in rows if r.outcome == outcome]
        if bounced:
            events.append(
                SesEvent(
                    email=email,
                    event_type="Bounce",
                    recipients=bounced,
                    detail={"outcome": outcome},
                    due_at=now + second,
                )
            )
    complained = [r.address for r in rows if r.outcome == SesRecipient.Outcome.COMPLAINT]
    if complained:
        events.append(
            SesEvent(
                email=email, event_type="Complaint", recipients=complained, due_at=now + 3 * second
            )
        )
    oooto = [r.address for r in rows if r.outcome == SesRecipient.Outcome.OOTO]
    for address in oooto:
        events.append(
            SesEvent(
                email=email, event_type="AutoReply", recipients=[address], due_at=now + 2 * second
            )
        )
    SesEvent.objects.bulk_create(events)
