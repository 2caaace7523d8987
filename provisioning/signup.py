"""Signing a business customer up: the owner, tenant and business profile, then provisioning.

`customer_signup` serves staff, an integrator's platform key and the portal alike.
`self_signup` (the portal) never tells a visitor whether an address already has an account:
a taken address gets the same answer as a free one ("check your inbox"); its owner is told
by email that someone tried, with links to sign in or reset the password.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from provisioning.billing import stripe_customer_link
from provisioning.emails import send_signup_attempt_email, send_signup_welcome_email
from provisioning.models import TwilioSubaccount
from provisioning.services import subaccount_request
from tenants.models import BusinessProfile, Tenant
from tenants.services import (
    Actor,
    api_key_create,
    business_profile_errors,
    business_profile_update,
    record_audit,
    tenant_create,
)

User = get_user_model()


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
        user = _create_owner(email, first_name, last_name, password)
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


def _create_owner(
    email: str, first_name: str, last_name: str, password: str | None
) -> AbstractBaseUser:
    """The owner's user; without a password, one that can't sign in until it sets one."""
    user = User(username=email, email=email, first_name=first_name, last_name=last_name)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    return user


def self_signup(
    *,
    email: str,
    business_name: str,
    first_name: str,
    last_name: str,
    password: str,
    profile: dict[str, Any],
    area_code: str = "",
    ip: str | None = None,
) -> SignupResult | None:
    """Create the business, or (the address being taken) email its owner and return None.

    Raises ValidationError only for what is wrong whichever the address: the caller answers
    both outcomes alike.
    """
    email = normalize_signup_email(email)
    fields = {
        "email": email,
        "business_name": business_name,
        "first_name": first_name,
        "last_name": last_name,
        "password": password,
        "profile": profile,
        "area_code": area_code,
    }
    errors = signup_errors(**fields)
    if errors:
        raise ValidationError(errors)
    if not email_in_use(email):
        try:
            result = customer_signup(**fields, ip=ip, via="portal")
        except ValidationError:
            if not email_in_use(email):  # not a sign-up that raced ours for the address
                raise
        else:
            transaction.on_commit(lambda: send_signup_welcome_email(result.user))
            return result
    transaction.on_commit(lambda: send_signup_attempt_email(email))
    return None
