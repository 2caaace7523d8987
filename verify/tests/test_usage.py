"""Twilio's usage records of Verify, read from the sandbox, beside the attempts' prices."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from verify import analytics, usage
from verify.models import VerifyUsageDay
from verify.services import check_verification, start_verification
from verify.tasks import sync_usage_all_task
from verify.tests.conftest import code_for


def _stats(tenant):
    today = timezone.now().date()
    return analytics.verification_stats(
        tenant,
        analytics.StatsFilters(
            start=today - dt.timedelta(days=6), end=today, channel="", country=""
        ),
    )


def test_twilio_usage_matches_the_attempts_prices(verify_on, tenant, on_commit):
    attempt = on_commit(start_verification, tenant, to="+14155550131", channel="sms")
    on_commit(check_verification, tenant, attempt=attempt, code=code_for("+14155550131"))
    on_commit(start_verification, tenant, to="+14155550132", channel="sms")

    assert usage.sync_verify_usage(tenant.pk) == usage.SYNC_DAYS
    today = VerifyUsageDay.objects.for_tenant(tenant).get(day=timezone.now().date())
    # Two sends at the SMS price and one success fee, as the sandbox billed them.
    assert today.twilio_cost == Decimal("0.0079") * 2 + Decimal("0.05")

    stats = _stats(tenant)
    assert stats["totals"]["cost"]["amount"] == "0.06580"
    assert stats["reconciliation"]["twilio_cost"]["amount"] == "0.06580"
    assert stats["reconciliation"]["twilio_cost"]["days_read"] == usage.SYNC_DAYS
    assert stats["reconciliation"]["difference"]["amount"] == "0.00000"


def test_the_sync_is_idempotent_and_the_beat_job_covers_enabled_services(
    verify_on, tenant, on_commit
):
    on_commit(start_verification, tenant, to="+14155550133", channel="sms")
    usage.sync_verify_usage(tenant.pk)
    usage.sync_verify_usage(tenant.pk)
    assert VerifyUsageDay.objects.for_tenant(tenant).count() == usage.SYNC_DAYS
    assert sync_usage_all_task.delay().get() == 1


def test_before_any_read_the_reconciliation_says_so(verify_on, tenant):
    reconciliation = _stats(tenant)["reconciliation"]
    assert reconciliation["twilio_cost"] == {"amount": "0.00000", "currency": "USD", "days_read": 0}


def test_staff_read_the_usage_days_and_can_read_them_again(
    verify_on, tenant, on_commit, admin_client, django_capture_on_commit_callbacks
):
    usage.sync_verify_usage(tenant.pk)
    page = admin_client.get("/admin/verify/verifyusageday/")
    assert page.status_code == 200 and tenant.name.encode() in page.content
    VerifyUsageDay.objects.for_tenant(tenant).update(twilio_cost=Decimal("9"))
    ids = list(VerifyUsageDay.objects.for_tenant(tenant).values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            "/admin/verify/verifyusageday/",
            {"action": "read_again", "_selected_action": ids},
        )
    assert not VerifyUsageDay.objects.for_tenant(tenant).filter(twilio_cost=Decimal("9")).exists()
