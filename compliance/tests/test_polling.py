"""Polling and resumability: idempotent polls that stop once an object is final, outages
that delay without losing anything, and a chain that resumes without duplicating objects."""

import pytest

from compliance import services
from compliance.demo import drive_in_sandbox
from compliance.models import A2PBrand, Registration, ReviewStatus, StatusTransition
from compliance.services import poll_object, registration_run, registration_submit
from compliance.testing import valid_submission
from compliance.tests.polling_helpers import until_brand_submitted
from isvplatform import gateway
from isvplatform.testing.transactions import record_twilio_calls
from sandbox import clock, faults
from sandbox.resources.brand_registrations.models import Brand
from sandbox.resources.trusthub.models import Bundle, EndUser
from tenants.services import Actor

pytestmark = pytest.mark.django_db


def submit(tenant) -> Registration:
    return registration_submit(tenant=tenant, data=valid_submission(), actor=Actor.system())


def moves(obj) -> list[str]:
    return list(
        StatusTransition.objects.filter(object_id=str(obj.pk))
        .order_by("at", "id")
        .values_list("to_status", flat=True)
    )


def test_polling_is_idempotent_and_stops_once_the_object_is_final(provisioned):
    brand = until_brand_submitted(submit(provisioned.tenant))
    assert brand.status == ReviewStatus.SUBMITTED and brand.raw_status == "PENDING"
    assert brand.next_poll_at is not None

    poll_object(brand.step, str(brand.pk), force=True)
    poll_object(brand.step, str(brand.pk), force=True)
    brand.refresh_from_db()
    assert moves(brand) == ["submitted"]
    assert brand.poll_attempts == 2  # nothing new, so the next poll backs off further

    clock.advance(600)
    poll_object(brand.step, str(brand.pk), force=True)
    poll_object(brand.step, str(brand.pk), force=True)
    brand.refresh_from_db()
    assert moves(brand) == ["submitted", "approved"]
    assert brand.next_poll_at is None and brand.is_final
    assert (brand.step, str(brand.pk)) not in services.due_polls()

    # A final object is never fetched again: an outage now would leave a trace if it were.
    with faults.injected(rate_500=1.0):
        poll_object(brand.step, str(brand.pk), force=True)
    brand.refresh_from_db()
    assert brand.last_error_message == "" and moves(brand) == ["submitted", "approved"]


def test_a_sandbox_outage_during_polling_delays_but_loses_nothing(provisioned):
    brand = until_brand_submitted(submit(provisioned.tenant))
    clock.advance(600)  # the carriers decided while we could not ask
    with faults.injected(rate_500=1.0, path_pattern="BrandRegistrations"):
        poll_object(brand.step, str(brand.pk), force=True)
        brand.refresh_from_db()
        assert brand.status == ReviewStatus.SUBMITTED
        assert brand.last_error_code == 20500
        assert brand.poll_attempts == 1 and brand.next_poll_at is not None
        first_delay = brand.next_poll_at - brand.last_polled_at
        poll_object(brand.step, str(brand.pk), force=True)
        brand.refresh_from_db()
        assert brand.next_poll_at - brand.last_polled_at > first_delay  # backoff

    poll_object(brand.step, str(brand.pk), force=True)
    brand.refresh_from_db()
    assert brand.status == ReviewStatus.APPROVED and brand.last_error_message == ""
    assert moves(brand) == ["submitted", "approved"]
    registration = drive_in_sandbox(Registration.objects.get(brand=brand))
    assert registration.status == Registration.Status.APPROVED


def test_the_beat_job_polls_only_due_objects(provisioned, settings):
    settings.A2P_POLL_BASE_SECONDS = 3600
    brand = until_brand_submitted(submit(provisioned.tenant))
    assert (brand.step, str(brand.pk)) not in services.due_polls()
    A2PBrand.objects.filter(pk=brand.pk).update(next_poll_at=brand.created_at)
    assert (brand.step, str(brand.pk)) in services.due_polls()
    from compliance.tasks import poll_due_task

    clock.advance(600)
    assert poll_due_task.apply().get() >= 1
    brand.refresh_from_db()
    assert brand.status == ReviewStatus.APPROVED


def test_an_outage_mid_chain_resumes_where_it_stopped_without_duplicates(provisioned):
    registration = submit(provisioned.tenant)
    with faults.injected(rate_500=1.0, path_pattern="/v1/EndUsers"):
        for _ in range(4):
            registration_run(registration.pk)
            clock.advance(60)
    registration.refresh_from_db()
    profile = registration.customer_profile
    profile.refresh_from_db()
    assert registration.last_error_code == 20500 and registration.next_run_at is not None
    assert profile.sid and not profile.business_info_sid  # stopped at the end user step

    registration = drive_in_sandbox(registration)
    assert registration.status == Registration.Status.APPROVED
    assert Bundle.objects.filter(friendly_name=profile.friendly_name).count() == 1
    names = EndUser.objects.filter(friendly_name__startswith=profile.friendly_name)
    assert names.count() == 2  # business information + representative, once each
    assert Brand.objects.filter(customer_profile_bundle_sid=profile.sid).count() == 1


def test_an_object_twilio_created_before_a_crash_is_adopted_not_duplicated(provisioned):
    registration = submit(provisioned.tenant)
    profile = registration.customer_profile
    # A previous run created the bundle in Twilio and died before recording its SID.
    client = gateway.account_client(provisioned.sub.sid, provisioned.sub.auth_token)
    created = gateway.create_trust_bundle(
        client,
        "customer_profile",
        friendly_name=profile.friendly_name,
        email="compliance@isvplatform.example.com",
        policy_sid=profile.policy_sid,
    )
    registration = drive_in_sandbox(registration)
    profile.refresh_from_db()
    assert profile.sid == created.sid
    assert Bundle.objects.filter(friendly_name=profile.friendly_name).count() == 1
    assert registration.status == Registration.Status.APPROVED


def test_concurrent_runs_of_one_version_do_nothing_twice(provisioned):
    registration = submit(provisioned.tenant)
    Registration.objects.filter(pk=registration.pk).update(
        running_until=registration.created_at.replace(year=2999)
    )
    assert registration_run(registration.pk) is None  # another run holds the lease
    assert not Bundle.objects.exists()


def test_a_brand_approval_reads_its_vetting_outside_the_polls_transaction(provisioned, monkeypatch):
    brand = until_brand_submitted(submit(provisioned.tenant))
    clock.advance(600)
    calls = record_twilio_calls(monkeypatch)
    poll_object(brand.step, str(brand.pk), force=True)
    brand.refresh_from_db()
    assert brand.is_approved
    assert any("/Vettings" in call for call in calls.made)
    assert calls.in_transaction == []
