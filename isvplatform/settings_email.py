"""Settings of the email channel (emails/), read from the environment.

Tenants' email goes out through django-anymail (the platform's own notices use
EMAIL_BACKEND, in settings.py). EMAIL_ESP names the anymail ESP for the whole platform
("amazon_ses", "postmark", "sendgrid"...; its settings go in ANYMAIL). EMAIL_MODE "sandbox"
(the default unless AWS credentials are set) sends SES calls to the local SES in sandbox/aws,
through the same anymail + boto3 path with only the endpoint changed; "live" sends them to
the ESP.
"""

import hashlib
from typing import Any

import environ


def email_channel_settings(env: environ.Env, secret_key: str) -> dict[str, Any]:
    """The email channel's settings; derived secrets come from `secret_key` unless set."""
    EMAIL_ESP = env("EMAIL_ESP", default="amazon_ses")
    _email_live = bool(env("AWS_ACCESS_KEY_ID", default="")) or EMAIL_ESP != "amazon_ses"
    EMAIL_MODE = env("EMAIL_MODE", default="live" if _email_live else "sandbox")
    # Where the local SES answers over HTTP (empty: in this process, as the Twilio sandbox does).
    EMAIL_SANDBOX_URL = env("EMAIL_SANDBOX_URL", default="")
    AWS_SES_REGION = env("AWS_SES_REGION", default="us-east-1")
    # The configuration set whose event destination (an SNS topic) posts SES events to
    # /anymail/amazon_ses/tracking/.
    AWS_SES_CONFIGURATION_SET = env("AWS_SES_CONFIGURATION_SET", default="isvplatform")
    _email_derived = hashlib.sha256(f"email:{secret_key}".encode()).hexdigest()
    ANYMAIL = {
        # Basic auth ("user:pass") the ESP's tracking webhooks must carry; a list rotates.
        "WEBHOOK_SECRET": env.list(
            "ANYMAIL_WEBHOOK_SECRET", default=[f"{_email_derived[:16]}:{_email_derived[16:48]}"]
        ),
        "AMAZON_SES_CONFIGURATION_SET_NAME": AWS_SES_CONFIGURATION_SET,
        "AMAZON_SES_CLIENT_PARAMS": {"region_name": AWS_SES_REGION},
        "POSTMARK_SERVER_TOKEN": env("POSTMARK_SERVER_TOKEN", default=""),
        "SENDGRID_API_KEY": env("SENDGRID_API_KEY", default=""),
        "MAILGUN_API_KEY": env("MAILGUN_API_KEY", default=""),
        "MAILGUN_SENDER_DOMAIN": env("MAILGUN_SENDER_DOMAIN", default=""),
    }
    # The local SES's platform account (sandbox mode): keys derived from secret_key unless set.
    SANDBOX_AWS_ACCESS_KEY_ID = env(
        "SANDBOX_AWS_ACCESS_KEY_ID", default=f"AKIA{_email_derived[48:64].upper()}"
    )
    SANDBOX_AWS_SECRET_ACCESS_KEY = env(
        "SANDBOX_AWS_SECRET_ACCESS_KEY",
        default=hashlib.sha256(f"ses:{secret_key}".encode()).hexdigest()[:40],
    )
    # How long the local SES takes to verify an identity (SES: minutes to 72 hours).
    SANDBOX_SES_VERIFY_SECONDS = env.float("SANDBOX_SES_VERIFY_SECONDS", default=20.0)
    # How often beat polls pending sender identities at the ESP.
    EMAIL_IDENTITY_POLL_SECONDS = env.float("EMAIL_IDENTITY_POLL_SECONDS", default=60.0)
    # Largest email (subject + parts) the platform accepts; SES's limit is 40 MB with attachments.
    EMAIL_MAX_HTML_CHARS = env.int("EMAIL_MAX_HTML_CHARS", default=500_000)
    return {
        "EMAIL_ESP": EMAIL_ESP,
        "EMAIL_MODE": EMAIL_MODE,
        "EMAIL_SANDBOX_URL": EMAIL_SANDBOX_URL,
        "AWS_SES_REGION": AWS_SES_REGION,
        "AWS_SES_CONFIGURATION_SET": AWS_SES_CONFIGURATION_SET,
        "ANYMAIL": ANYMAIL,
        "SANDBOX_AWS_ACCESS_KEY_ID": SANDBOX_AWS_ACCESS_KEY_ID,
        "SANDBOX_AWS_SECRET_ACCESS_KEY": SANDBOX_AWS_SECRET_ACCESS_KEY,
        "SANDBOX_SES_VERIFY_SECONDS": SANDBOX_SES_VERIFY_SECONDS,
        "EMAIL_IDENTITY_POLL_SECONDS": EMAIL_IDENTITY_POLL_SECONDS,
        "EMAIL_MAX_HTML_CHARS": EMAIL_MAX_HTML_CHARS,
    }
