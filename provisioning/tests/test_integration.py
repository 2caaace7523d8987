"""End to end with real Celery workers: sign-up to an active subaccount and a working number,
and two provisioning runs at once creating exactly one subaccount."""

import pytest
from django.urls import reverse

from isvplatform.testing.worker import start_worker, wait_for
from provisioning.models import PhoneNumber, TwilioSubaccount
from provisioning.numbers import webhook_urls
from provisioning.selectors import open_subaccount
from provisioning.services import subaccount_request
from provisioning.tasks import provision_subaccount_task
from sandbox import faults
from sandbox.core.models import Account as SandboxAccount
from sandbox.resources.phone_numbers.models import PhoneNumber as SandboxNumber
from tenants.models import AuditEvent, Tenant
from tenants.services import Actor

pytestmark = pytest.mark.integration


def test_sign_up_to_an_active_subaccount_and_a_configured_number(client, celery_worker):
    response = client.post(
        reverse("provisioning:signup"),
        {
            "first_name": "Ada",
            "last_name": "Lane",
            "email": "ada@lane.example",
            "password": "a-long-unusual-password-42",
            "business_name": "Lane Florists",
            "contact_phone": "+14155550177",
            "area_code": "415",
        },
    )
    assert response.status_code == 302
    tenant = Tenant.objects.get(name="Lane Florists")
    client.post(
        reverse("login"), {"username": "ada@lane.example", "password": "a-long-unusual-password-42"}
    )

    number = wait_for(
        lambda: PhoneNumber.objects.for_tenant(tenant).filter(status="active").first(),
        timeout=60,
    )

    sub = open_subaccount(tenant)
    assert sub.status == TwilioSubaccount.Status.ACTIVE
    # Run by the worker, not eagerly here: its log has the task's trace line.
    assert "Task provisioning.provision_subaccount[" in celery_worker.log()
    assert "Task provisioning.buy_first_number[" in celery_worker.log()
    twilio_number = SandboxNumber.objects.select_related("account").get(sid=number.sid)
    assert twilio_number.account.sid == sub.sid
    assert (twilio_number.sms_url, twilio_number.status_callback) == webhook_urls()
    assert number.is_primary and number.phone_number.startswith("+1415")

    page = client.get(reverse("provisioning:onboarding")).content.decode()
    assert 'data-step="subaccount" data-state="done"' in page
    assert 'data-step="number" data-state="done"' in page


def test_two_concurrent_runs_create_one_subaccount(tenant, celery_worker, tmp_path):
    second_worker = start_worker(tmp_path)
    sub = subaccount_request(tenant=tenant, actor=Actor.system(), enqueue=False)
    # Each sandbox call takes a moment, so the two runs overlap.
    faults.configure(latency_ms=300, path_pattern=r"/Accounts")
    try:
        provision_subaccount_task.apply_async(args=[str(sub.pk)], queue=celery_worker.queue)
        provision_subaccount_task.apply_async(args=[str(sub.pk)], queue=second_worker.queue)
        wait_for(
            lambda: (
                "Task provisioning.provision_subaccount[" in celery_worker.log()
                and "Task provisioning.provision_subaccount[" in second_worker.log()
            ),
            timeout=60,
        )
    finally:
        faults.reset()
        second_worker.stop()

    sub.refresh_from_db()
    assert sub.status == TwilioSubaccount.Status.ACTIVE
    assert SandboxAccount.objects.filter(friendly_name=sub.friendly_name).count() == 1
    # The run that found the row claimed left it to the other: one creation, no adoption.
    created = AuditEvent.objects.filter(tenant=tenant, action__startswith="subaccount.")
    assert list(
        created.filter(action__in=["subaccount.created", "subaccount.adopted"]).values_list(
            "action", flat=True
        )
    ) == ["subaccount.created"]
