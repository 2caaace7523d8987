"""SES's verification email for an email-address identity: it lands in the address's
mailbox with a link that verifies the identity at once (the sandbox clock verifies it
anyway after SANDBOX_SES_VERIFY_SECONDS)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing

from sandbox.aws.models import SesEmail, SesIdentity

SENDER = "no-reply-aws@amazon.com"
_SALT = "sandbox.aws.verify-email"
_MAX_AGE = 24 * 3600
REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "Europe (Ireland)",
    "eu-central-1": "Europe (Frankfurt)",
}


def link(identity: SesIdentity) -> str:
    token = signing.dumps(identity.pk, salt=_SALT)
    return f"{settings.PUBLIC_BASE_URL}/sandbox/aws/?" + urlencode(
        {"Action": "VerifyEmailAddress", "Token": token}
    )


def send(identity: SesIdentity, now: dt.datetime) -> SesEmail:
    region = REGION_NAMES.get(identity.region, identity.region)
    subject = f"Amazon Web Services \u2013 Email Address Verification Request in region {region}"
    url = link(identity)
    text = (
        "Dear Amazon Web Services Customer,\n\n"
        "We have received a request to authorize this email address for use with Amazon SES "
        f"in region {region}. If you requested this verification, please go to the following "
        f"URL to confirm that you are authorized to use this email address:\n\n{url}\n\n"
        "Your request will not be processed unless you confirm the address using this URL. "
        "This link expires 24 hours after your original verification request.\n\n"
        "If you did NOT request to verify this email address, do not click on the link.\n\n"
        "Sincerely,\n\nThe Amazon Web Services Team."
    )
    html = (
        "<p>Dear Amazon Web Services Customer,</p><p>We have received a request to authorize "
        f"this email address for use with Amazon SES in region {region}. If you requested "
        "this verification, please go to the following URL to confirm that you are "
        f'authorized to use this email address:</p><p><a href="{url}">{url}</a></p>'
        "<p>If you did NOT request to verify this email address, do not click on the link."
        "</p><p>Sincerely,<br>The Amazon Web Services Team.</p>"
    )
    email = SesEmail.objects.create(
        account=identity.account,
        region=identity.region,
        message_id=f"verify-{identity.pk}-{int(now.timestamp())}",
        source=SENDER,
        from_header=f"Amazon Web Services <{SENDER}>",
        subject=subject,
        text=text,
        html=html,
        headers=[
            {"name": "From", "value": f"Amazon Web Services <{SENDER}>"},
            {"name": "To", "value": identity.name},
            {"name": "Subject", "value": subject},
        ],
        raw=b"",
        destination={"addresses": [identity.name]},
        sent_at=now,
    )
    email.recipients.create(address=identity.name.lower(), outcome="delivery")
    return email


def confirm(token: str, now: dt.datetime) -> SesIdentity | None:
    """The identity the link names, now verified; None for a bad or expired link."""
    try:
        pk = signing.loads(token, salt=_SALT, max_age=_MAX_AGE)
    except signing.BadSignature:
        return None
    identity = SesIdentity.objects.filter(pk=pk, type=SesIdentity.Type.EMAIL_ADDRESS).first()
    if identity is not None and identity.status != SesIdentity.Status.SUCCESS:
        identity.status, identity.verified_at = SesIdentity.Status.SUCCESS, now
        identity.save(update_fields=["status", "verified_at"])
    return identity
