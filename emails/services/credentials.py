"""A tenant's own ESP account (SES keys): checked with a real call before it is saved, the
secret encrypted, and a fresh basic-auth secret for its tracking webhook, shown once inside
the tracking URL. Its configuration set and SNS subscription are set up by a task."""

import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from emails import enqueue
from emails.models import EspCredentials
from emails.services.setup import call, configuration_set_name, error_code, tracking_url
from tenants.models import Tenant
from tenants.services import Actor, record_audit

ACCESS_KEY_RE = re.compile(r"^[A-Z0-9]{16,128}$")
REGION_RE = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
# SES/STS codes that mean the secret (not the key id) is wrong.
SECRET_REFUSED = {"SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature"}
FIELD_WORDS = {
    "access_key_id": "Amazon SES refused this access key ID",
    "secret_access_key": "Amazon SES refused the secret access key for this key ID",
}


def _validated(access_key_id: str, secret_access_key: str, region: str) -> tuple[str, str, str]:
    access_key_id = (access_key_id or "").strip()
    secret_access_key = (secret_access_key or "").strip()
    region = (region or "").strip().lower()
    errors: dict[str, str] = {}
    if not ACCESS_KEY_RE.match(access_key_id):
        errors["access_key_id"] = "Enter the access key ID (upper-case letters and digits)."
    if not secret_access_key or len(secret_access_key) > 128:
        errors["secret_access_key"] = "Enter the secret access key."
    if not REGION_RE.match(region):
        errors["region"] = "Enter an AWS region, like us-east-1."
    if errors:
        raise ValidationError(errors)
    return access_key_id, secret_access_key, region


def new_webhook_secret(tenant_id: int) -> str:
    """ "user:pass" for the tenant's SNS subscription; the user names the tenant, so a
    subscription confirmation (which names no email) finds whose secret to check."""
    return f"tenant-{tenant_id}-{secrets.token_hex(4)}:{secrets.token_hex(24)}"


def check_keys(candidate: EspCredentials) -> dict:
    """GetAccount with the given keys: the ESP's answer, or a ValidationError naming the
    field it refused. Trouble reaching the ESP is raised as `RetryableEspError`."""
    from emails import esp

    try:
        return call(esp.ses_client(credentials=candidate), "get_account")
    except esp.RetryableEspError:
        raise
    except esp.EspError as err:
        field = "secret_access_key" if error_code(err) in SECRET_REFUSED else "access_key_id"
        raise ValidationError({field: f"{FIELD_WORDS[field]} ({error_code(err)})."}) from None


def credentials_save(
    *, tenant: Tenant, access_key_id: str, secret_access_key: str, region: str, actor: Actor
) -> tuple[EspCredentials, str]:
    """Check and save the tenant's keys; returns the row and the tracking URL (with its
    secret: shown this once, never stored in the clear)."""
    access_key_id, secret_access_key, region = _validated(access_key_id, secret_access_key, region)
    existing = EspCredentials.objects.filter(tenant=tenant).first()
    candidate = existing or EspCredentials(tenant=tenant)
    candidate.access_key_id = access_key_id
    candidate.secret_access_key = secret_access_key
    candidate.region = region
    check_keys(candidate)
    secret = new_webhook_secret(tenant.pk)
    now = timezone.now()
    candidate.webhook_secret = secret
    candidate.configuration_set = configuration_set_name(tenant.pk)
    candidate.status = EspCredentials.Status.ACTIVE
    candidate.check_error = ""
    candidate.checked_at = now
    candidate.updated_at = now
    if existing is None:
        candidate.created_by = actor.user
        candidate.created_at = now
    with transaction.atomic():
        candidate.save()
        record_audit(
            tenant=tenant,
            actor=actor,
            action="email.credentials.saved",
            target=candidate,
            changes={"esp": candidate.esp, "region": region, "replaced": existing is not None},
        )
        enqueue.setup_credentials(candidate.pk)
    return candidate, tracking_url(secret)


def credentials_delete(*, tenant: Tenant, actor: Actor) -> bool:
    """Forget the tenant's keys: its email goes through the platform's account again. The
    configuration set stays in the tenant's AWS account (theirs to remove)."""
    with transaction.atomic():
        credentials = EspCredentials.objects.filter(tenant=tenant).first()
        if credentials is None:
            return False
        record_audit(
            tenant=tenant,
            actor=actor,
            action="email.credentials.deleted",
            target=credentials,
            changes={"esp": credentials.esp, "region": credentials.region},
        )
        credentials.delete()
    return True
