"""State changes of a tenant's Twilio subaccount: sign-up, provisioning, status, token rotation.

Every function that changes state writes an audit row. Twilio calls go through the gateway;
those that must happen exactly once (creating the subaccount, promoting a token) run while the
subaccount row is locked, and record Twilio's answer before anything else can fail.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from isvplatform import gateway
from provisioning.accounts import master_client_for
from provisioning.errors import ProvisioningConflict
from provisioning.models import TwilioSubaccount
from provisioning.selectors import open_subaccount
from tenants.models import BusinessProfile, Tenant
from tenants.services import (
    Actor,
    api_key_create,
    business_profile_errors,
    business_profile_update,
    record_audit,
    tenant_create,
    tenant_lock,
)

logger = logging.getLogger(__name__)
User = get_user_model()
Status = TwilioSubaccount.Status
Source = TwilioSubaccount.SuspensionSource


def subaccount_friendly_name(tenant: Tenant) -> str:
    """The name given to the tenant's subaccount in Twilio, tagged with the tenant's id so a
    retried provisioning finds the account an earlier attempt created."""
    return f"{tenant.name[:120]} [tenant {tenant.pk}]"


def _enqueue(task_name: str, *args: Any) -> None:
    """Send a provisioning task once the current transaction commits."""
    from provisioning import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(*args))


def subaccount_lock(subaccount_id: Any) -> TwilioSubaccount:
    """Lock a subaccount row, after its tenant's row (raises DoesNotExist without one).

    Every transaction locks in one order: tenant, then subaccount, then numbers. A
    provisioning request locks the tenant and then the subaccount; a task or staff action
    that locked the subaccount alone and then wrote an audit row (which references, and so
    share-locks, the tenant) waited on that request while it waited on them: a deadlock.
    """
    tenant_id = TwilioSubaccount.objects.values_list("tenant_id", flat=True).get(pk=subaccount_id)
    tenant_lock(tenant_id)
    return (
        TwilioSubaccount.objects.select_for_update(of=("self",))
        .select_related("tenant")
        .get(pk=subaccount_id)
    )


def _lock(subaccount: TwilioSubaccount) -> TwilioSubaccount:
    return subaccount_lock(subaccount.pk)


def subaccount_client(subaccount: TwilioSubaccount):
    """A Twilio client acting as the subaccount itself (in the sandbox for a demo tenant)."""
    return gateway.account_client(
        subaccount.sid, subaccount.auth_token, sandboxed=subaccount.tenant.is_demo
    )


# --- sign-up ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignupResult:
    user: AbstractBaseUser
    tenant: Tenant
    subaccount: TwilioSubaccount
    api_key: str | None = None


def normalize_signup_email(email: str | None) -> str:
    return User.objects.normalize_email(email or "").strip().lower()


def email_in_use(email: str) -> bool:
    """An account signs in with this address (as username or email)."""
    return (
        User.objects.filter(username__iexact=email).exists()
        or User.objects.filter(email__iexact=email).exists()
    )


def signup_errors(
    *,
    email: str,
    business_name: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    profile: dict[str, Any] | None = None,
    area_code: str = "",
) -> dict[str, list[str]]:
    """Everything `customer_signup` refuses except an address already in use: a sign-up
    form must answer the same for a taken address as for a free one."""
    errors: dict[str, list[str]] = {}
    if not email:
        errors["email"] = ["Enter an email address."]
    if not (business_name or "").strip():
        errors["business_name"] = ["Enter the business name."]
    if area_code and not (len(area_code) == 3 and area_code.isdigit()):
        errors["area_code"] = ["An area code has three digits."]
    candidate = User(username=email, email=email, first_name=first_name, last_name=last_name)
    if password is not None:
        try:
            validate_password(password, user=candidate)
        except ValidationError as err:
            errors["password"] = err.messages
    profile_data = {
        "owner_first_name": first_name,
        "owner_last_name": last_name,
        "owner_email": email,
        "legal_name": (business_name or "").strip(),
        **(profile or {}),
    }
    for name, messages in business_profile_errors(profile_data).items():
        errors.setdefault(name, []).extend(messages)
    return errors


def customer_signup(
    *,
    email: str,
    business_name: str,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    profile: dict[str, Any] | None = None,
    area_code: str = "",
    stripe_customer_id: str = "",
    create_api_key: bool = False,
    actor: Actor | None = None,
    ip: str | None = None,
    via: str = "portal",
) -> SignupResult:
    """Create a business customer: its owner, tenant and business profile, then start
    provisioning its subaccount (after commit).

    `actor` is staff or an integrator creating the customer; None for a self-service
    sign-up, where the new owner acts. Without a password the owner gets no usable one (the
    API sends a set-password email). Raises ValidationError naming the fields; nothing is
    created then.
    """
    email = normalize_signup_email(email)
    errors = signup_errors(
        email=email,
        business_name=business_name,
        first_name=first_name,
        last_name=last_name,
        password=password,
        profile=profile,
        area_code=area_code,
    )
    if email and email_in_use(email):
        errors["email"] = ["An account with this email already exists; sign in instead."]
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        actor = actor or Actor(user=user, ip=ip)
        tenant = tenant_create(name=business_name.strip(), owner=user, actor=actor)
        data = {
            "owner_first_name": first_name,
            "owner_last_name": last_name,
            "owner_email": email,
            **(profile or {}),
        }
        business_profile_update(
            profile=BusinessProfile.objects.get(tenant=tenant), data=data, actor=actor
        )
        if stripe_customer_id:
            from provisioning.billing import stripe_customer_link

            stripe_customer_link(tenant=tenant, customer_id=stripe_customer_id, actor=actor)
        raw_key = None
        if create_api_key:
            _, raw_key = api_key_create(tenant=tenant, name="Onboarding key", actor=actor)
        subaccount = subaccount_request(tenant=tenant, actor=actor, area_code=area_code)
        record_audit(
            tenant=tenant,
            actor=actor,
            action="customer.signed_up",
            target=tenant,
            changes={"owner": email, "area_code": area_code, "via": via},
        )
    return SignupResult(user=user, tenant=tenant, subaccount=subaccount, api_key=raw_key)


# --- provisioning -------------------------------------------------------------------------


def subaccount_request(
    *, tenant: Tenant, actor: Actor, area_code: str = "", enqueue: bool = True
) -> TwilioSubaccount:
    """Make sure provisioning of the tenant's subaccount is under way (or done).

    Creates the pending row if the tenant has no open subaccount, puts a failed one back to
    pending (a retry), and sends the provisioning task after commit (unless the caller runs
    `subaccount_provision` itself, like the demo seed). Idempotent.
    """
    if tenant.status == Tenant.Status.CLOSED:
        raise ProvisioningConflict("This tenant is closed.", code="tenant_closed")
    with transaction.atomic():
        tenant_lock(tenant.pk)
        sub = open_subaccount(tenant)
        if sub is None:
            sub = TwilioSubaccount.objects.create(
                tenant=tenant,
                friendly_name=subaccount_friendly_name(tenant),
                requested_area_code=area_code,
            )
            record_audit(
                tenant=tenant, actor=actor, action="subaccount.requested", target=sub, changes={}
            )
        else:
            sub = _lock(sub)
            if sub.status == Status.FAILED:
                before = sub.status
                sub.status = Status.PENDING
                sub.save(update_fields=["status", "updated_at"])
                record_audit(
                    tenant=tenant,
                    actor=actor,
                    action="subaccount.retry",
                    target=sub,
                    changes={"status": [before, sub.status], "last_error": sub.last_error_code},
                )
            if area_code and not sub.requested_area_code:
                sub.requested_area_code = area_code
                sub.save(update_fields=["requested_area_code", "updated_at"])
        if enqueue and sub.status in (Status.PENDING, Status.PROVISIONING):
            _enqueue("provision_subaccount_task", str(sub.pk))
    return sub


def subaccount_provision(subaccount_id: str) -> TwilioSubaccount:
    """Create or adopt the Twilio subaccount, then activate it: the provisioning task's body.

    Safe to run any number of times, also concurrently: the row stays locked from the look-up
    by friendly name until the SID Twilio returned is committed, so a second run waits and then
    finds the SID. Raises GatewayError; the task decides whether to retry.
    """
    with transaction.atomic():
        sub = subaccount_lock(subaccount_id)
        if sub.status not in (Status.PENDING, Status.PROVISIONING):
            return sub
        if sub.tenant.status == Tenant.Status.CLOSED:
            return sub  # nothing is created for a closed tenant; reconcile closes the row
        sub.status = Status.PROVISIONING
        sub.attempts += 1
        sub.save(update_fields=["status", "attempts", "updated_at"])
    with transaction.atomic():
        sub = _lock(sub)
        if sub.status != Status.PROVISIONING:
            return sub
        if not sub.sid:
            account = gateway.find_subaccount_by_friendly_name(
                sub.friendly_name, client=master_client_for(sub.tenant)
            )
            adopted = account is not None
            if account is None:
                account = gateway.create_subaccount(
                    sub.friendly_name, client=master_client_for(sub.tenant)
                )
            sub.sid = account.sid
            sub.auth_token = (
                account.auth_token
                or gateway.fetch_account(
                    account.sid, client=master_client_for(sub.tenant)
                ).auth_token
            )
            sub.save(update_fields=["sid", "auth_token", "updated_at"])
            record_audit(
                tenant=sub.tenant,
                actor=Actor.system(),
                action="subaccount.adopted" if adopted else "subaccount.created",
                target=sub,
                changes={"sid": sub.sid},
            )
    return _activate(sub)


def _activate(sub: TwilioSubaccount) -> TwilioSubaccount:
    account = gateway.fetch_account(sub.sid, client=master_client_for(sub.tenant))
    with transaction.atomic():
        sub = _lock(sub)
        if sub.status != Status.PROVISIONING:
            return sub
        if sub.auth_token is None and account.auth_token is not None:
            sub.auth_token = account.auth_token
        now = timezone.now()
        if account.status == "active":
            sub.status = Status.ACTIVE
            sub.activated_at = now
        elif account.status == "suspended":
            sub.status = Status.SUSPENDED
            sub.suspension_source = Source.TWILIO
            sub.status_reason = "Suspended in Twilio when it was adopted."
        else:
            sub.status = Status.FAILED
            sub.last_error_code = None
            sub.last_error_message = f"The Twilio account {sub.sid} is {account.status}."
        if sub.status != Status.FAILED:
            sub.last_error_code = None
            sub.last_error_message = ""
        sub.save()
        record_audit(
            tenant=sub.tenant,
            actor=Actor.system(),
            action=f"subaccount.{sub.status}",
            target=sub,
            changes={"status": [Status.PROVISIONING, sub.status], "attempts": sub.attempts},
        )
        if sub.status == Status.ACTIVE and sub.requested_area_code:
            _enqueue("buy_first_number_task", str(sub.pk))
    return sub


def subaccount_record_error(
    subaccount_id: str, error: gateway.GatewayError, *, final: bool
) -> TwilioSubaccount | None:
    """Keep the last Twilio error on the row; a final one marks provisioning failed."""
    with transaction.atomic():
        try:
            sub = subaccount_lock(subaccount_id)
        except TwilioSubaccount.DoesNotExist:
            return None
        if sub.status not in (Status.PENDING, Status.PROVISIONING):
            return sub
        sub.last_error_code = error.code
        sub.last_error_message = str(error.message)[:2000]
        fields = ["last_error_code", "last_error_message", "updated_at"]
        if final:
            sub.status = Status.FAILED
            fields.append("status")
            record_audit(
                tenant=sub.tenant,
                actor=Actor.system(),
                action="subaccount.failed",
                target=sub,
                changes={"code": error.code, "message": sub.last_error_message[:200]},
            )
        sub.save(update_fields=fields)
    logger.warning("subaccount %s provisioning error (final=%s): %s", subaccount_id, final, error)
    return sub


# --- status -------------------------------------------------------------------------------


def subaccount_suspend(
    *, subaccount: TwilioSubaccount, actor: Actor, reason: str = "", source: str = Source.STAFF
) -> TwilioSubaccount:
    """Suspend in Twilio (the account can't send or be used) and here."""
    with transaction.atomic():
        sub = _lock(subaccount)
        if sub.status == Status.SUSPENDED:
            return sub
        if sub.status != Status.ACTIVE:
            raise ProvisioningConflict(
                f"Only an active subaccount can be suspended; it is {sub.status}."
            )
        gateway.set_account_status(sub.sid, "suspended", client=master_client_for(sub.tenant))
        sub.status = Status.SUSPENDED
        sub.status_reason = reason[:200]
        sub.suspension_source = source
        sub.save(update_fields=["status", "status_reason", "suspension_source", "updated_at"])
        record_audit(
            tenant=sub.tenant,
            actor=actor,
            action="subaccount.suspended",
            target=sub,
            changes={"status": [Status.ACTIVE, Status.SUSPENDED], "reason": reason},
        )
    return sub


def subaccount_reactivate(*, subaccount: TwilioSubaccount, actor: Actor) -> TwilioSubaccount:
    """Lift a suspension in Twilio and here; also cancels a scheduled closing."""
    with transaction.atomic():
        sub = _lock(subaccount)
        if sub.status == Status.ACTIVE and sub.close_scheduled_at is None:
            return sub
        if sub.status not in (Status.SUSPENDED, Status.ACTIVE):
            raise ProvisioningConflict(
                f"Only a suspended subaccount can be reactivated; it is {sub.status}."
            )
        before = sub.status
        if sub.status == Status.SUSPENDED:
            gateway.set_account_status(sub.sid, "active", client=master_client_for(sub.tenant))
        sub.status = Status.ACTIVE
        sub.status_reason = ""
        sub.suspension_source = ""
        sub.close_scheduled_at = None
        sub.save()
        record_audit(
            tenant=sub.tenant,
            actor=actor,
            action="subaccount.reactivated",
            target=sub,
            changes={"status": [before, Status.ACTIVE]},
        )
    return sub


def subaccount_resume_billing(*, subaccount: TwilioSubaccount, actor: Actor) -> TwilioSubaccount:
    """A subscription is active again: cancel a scheduled closing and lift a suspension that
    billing imposed (never one staff or Twilio imposed)."""
    sub = TwilioSubaccount.objects.get(pk=subaccount.pk)
    if sub.status == Status.SUSPENDED and sub.suspension_source == Source.BILLING:
        return subaccount_reactivate(subaccount=sub, actor=actor)
    if sub.close_scheduled_at is None or sub.status == Status.CLOSED:
        return sub
    with transaction.atomic():
        sub = _lock(sub)
        sub.close_scheduled_at = None
        sub.save(update_fields=["close_scheduled_at", "updated_at"])
        record_audit(
            tenant=sub.tenant,
            actor=actor,
            action="subaccount.close_cancelled",
            target=sub,
            changes={},
        )
    return sub


def subaccount_schedule_close(
    *, subaccount: TwilioSubaccount, actor: Actor, when=None
) -> TwilioSubaccount:
    """Close the subaccount later (the reconcile job does it), e.g. when a subscription ends."""
    when = when or timezone.now() + timedelta(days=settings.SUBSCRIPTION_CLOSE_GRACE_DAYS)
    with transaction.atomic():
        sub = _lock(subaccount)
        if sub.status == Status.CLOSED:
            return sub
        sub.close_scheduled_at = when
        sub.save(update_fields=["close_scheduled_at", "updated_at"])
        record_audit(
            tenant=sub.tenant,
            actor=actor,
            action="subaccount.close_scheduled",
            target=sub,
            changes={"close_at": when.isoformat()},
        )
    return sub


def subaccount_close(
    *, subaccount: TwilioSubaccount, actor: Actor, confirmed: bool
) -> TwilioSubaccount:
    """Close for good: release the tenant's numbers (pooled ones return to the pool), then
    close the Twilio account. Irreversible, so the caller must confirm.

    Each step is idempotent: if Twilio fails midway, calling again finishes the job.
    """
    from provisioning.numbers import number_release
    from provisioning.selectors import active_numbers

    if not confirmed:
        raise ValidationError({"confirm": "Closing is irreversible; confirm it explicitly."})
    sub = TwilioSubaccount.objects.select_related("tenant").get(pk=subaccount.pk)
    if sub.status == Status.CLOSED:
        return sub
    if not sub.sid:
        # Provisioning may have created the account and died before recording it.
        orphan = gateway.find_subaccount_by_friendly_name(
            sub.friendly_name, client=master_client_for(sub.tenant)
        )
        if orphan is not None:
            with transaction.atomic():
                sub = _lock(sub)
                sub.sid = sub.sid or orphan.sid
                sub.save(update_fields=["sid", "updated_at"])
    if sub.sid and sub.status == Status.SUSPENDED:
        # A suspended account can't release its numbers; lift it for the few calls needed.
        gateway.set_account_status(sub.sid, "active", client=master_client_for(sub.tenant))
    if sub.sid:
        for number in active_numbers(sub.tenant).filter(subaccount=sub):
            number_release(number=number, actor=actor, to_pool=None, reason="subaccount closed")
    with transaction.atomic():
        sub = _lock(sub)
        if sub.status == Status.CLOSED:
            return sub
        before = sub.status
        if sub.sid:
            gateway.set_account_status(sub.sid, "closed", client=master_client_for(sub.tenant))
        sub.status = Status.CLOSED
        sub.closed_at = timezone.now()
        sub.close_scheduled_at = None
        # A closed account signs nothing and accepts no credentials: keep no secret for it.
        sub.auth_token = None
        sub.previous_auth_token = None
        sub.secondary_auth_token = None
        sub.previous_token_valid_until = None
        sub.save()
        record_audit(
            tenant=sub.tenant,
            actor=actor,
            action="subaccount.closed",
            target=sub,
            changes={"status": [before, Status.CLOSED]},
        )
    return sub


# --- auth token rotation --------------------------------------------------------------------


def subaccount_rotate_token(*, subaccount: TwilioSubaccount, actor: Actor) -> TwilioSubaccount:
    """Replace the subaccount's auth token without rejecting a single callback.

    1. create a secondary token in Twilio and store it (encrypted) at once;
    2. promote it: Twilio signs with it from now on and the old token stops working;
    3. keep the old token as `previous_auth_token` for `TWILIO_TOKEN_GRACE_MINUTES`, so
       callbacks signed before the switch still verify (see `accounts.signing_tokens`).

    A rotation interrupted after step 1 or 2 resumes where it stopped.
    """
    with transaction.atomic():
        sub = _lock(subaccount)
        if sub.status != Status.ACTIVE:
            raise ProvisioningConflict(
                f"Only an active subaccount's token can be rotated; it is {sub.status}."
            )
        if sub.secondary_auth_token is None:
            sub.secondary_auth_token = gateway.create_secondary_auth_token(subaccount_client(sub))
            sub.rotation_started_at = timezone.now()
            sub.save(update_fields=["secondary_auth_token", "rotation_started_at", "updated_at"])
    with transaction.atomic():
        sub = _lock(sub)
        secondary = sub.secondary_auth_token
        if secondary is None:
            return sub
        try:
            new_token = gateway.promote_secondary_auth_token(subaccount_client(sub))
        except gateway.AuthenticationError as err:
            if err.code != 20003:
                raise
            # The stored primary is refused: an earlier run promoted and died before saving.
            gateway.fetch_account(
                sub.sid,
                client=gateway.account_client(sub.sid, secondary, sandboxed=sub.tenant.is_demo),
            )
            new_token = secondary
        now = timezone.now()
        sub.previous_auth_token = sub.auth_token
        sub.previous_token_valid_until = now + timedelta(
            minutes=settings.TWILIO_TOKEN_GRACE_MINUTES
        )
        sub.auth_token = new_token or secondary
        sub.secondary_auth_token = None
        sub.rotation_started_at = None
        sub.token_rotated_at = now
        sub.save()
        record_audit(
            tenant=sub.tenant,
            actor=actor,
            action="subaccount.token_rotated",
            target=sub,
            changes={"old_accepted_until": sub.previous_token_valid_until.isoformat()},
        )
    return sub


def subaccount_retire_previous_token(*, subaccount: TwilioSubaccount, now=None) -> TwilioSubaccount:
    """Forget the pre-rotation token once its grace period is over."""
    now = now or timezone.now()
    with transaction.atomic():
        sub = _lock(subaccount)
        if sub.previous_auth_token is None:
            return sub
        if sub.previous_token_valid_until and sub.previous_token_valid_until > now:
            return sub
        sub.previous_auth_token = None
        sub.previous_token_valid_until = None
        sub.save(update_fields=["previous_auth_token", "previous_token_valid_until", "updated_at"])
    return sub


def subaccount_set_number_limit(
    *, subaccount: TwilioSubaccount, limit: int | None, actor: Actor
) -> TwilioSubaccount:
    """Staff override of the platform's per-tenant number limit (None: the platform's)."""
    if limit is not None and limit < 0:
        raise ValidationError({"number_limit": "The limit can't be negative."})
    with transaction.atomic():
        sub = _lock(subaccount)
        before = sub.number_limit
        sub.number_limit = limit
        sub.save(update_fields=["number_limit", "updated_at"])
        record_audit(
            tenant=sub.tenant,
            actor=actor,
            action="subaccount.number_limit_changed",
            target=sub,
            changes={"number_limit": [before, limit]},
        )
    return sub
