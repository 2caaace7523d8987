"""Self-service sign-up that never tells a visitor whether an address already has an account.

A taken address gets the same answer as a free one ("check your inbox"); its owner is told
by email that someone tried, with links to sign in or reset the password.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from provisioning.emails import send_signup_attempt_email, send_signup_welcome_email
from provisioning.services import (
    SignupResult,
    customer_signup,
    email_in_use,
    normalize_signup_email,
    signup_errors,
)


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
