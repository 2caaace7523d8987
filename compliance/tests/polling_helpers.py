"""Driving a version part of the way through the chain on the sandbox clock."""

from compliance.models import A2PBrand, Registration
from compliance.services import poll_object, registration_run
from sandbox import clock


def until_brand_submitted(registration: Registration) -> A2PBrand:
    """Run the chain on the sandbox clock until the brand waits for the carriers' review."""
    for _ in range(20):
        registration_run(registration.pk)
        registration.refresh_from_db()
        if registration.brand and registration.brand.sid:
            return registration.brand
        clock.advance(60)
        for obj in (registration.customer_profile, registration.trust_product):
            obj.refresh_from_db()
            if obj.sid and not obj.is_final:
                poll_object(obj.step, str(obj.pk), force=True)
    raise AssertionError("the brand was never registered")
