"""The portal's analytics page, the admin overview, and how rollups are kept fresh."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tenants.models import Membership
from tenants.tests.factories import MembershipFactory, TenantFactory
from twofactor.tests.helpers import login_verified
from verify.models import VerificationDailyRollup
from verify.rollups import mark_attempt_dirty, rollup_recompute, rollups_mark_recent
from verify.tests.analytics_seed import DAY, attempt, seed_known_set

pytestmark = pytest.mark.django_db
PAGE = "/verify/analytics/"
PERIOD = {"from": "2026-11-10", "to": "2026-11-11"}


def portal_client(tenant, role=Membership.Role.VIEWER) -> Client:
    membership = MembershipFactory(tenant=tenant, role=role)
    client = Client()
    client.force_login(membership.user)
    session = client.session
    session["tenant_id"] = tenant.pk
    session.save()
    return client


def recount(tenant):
    for day in (DAY, DAY + dt.timedelta(days=1)):
        rollup_recompute(tenant_id=tenant.pk, day=day)


def test_the_page_shows_the_figures_and_the_chart_data(tenant):
    seed_known_set(tenant)
    recount(tenant)
    response = portal_client(tenant).get(PAGE, PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="attempts">14<' in html
    assert 'data-figure="conversion">71.4%<' in html
    assert 'data-figure="median">40 s<' in html
    assert "Blocked by Fraud Guard (SMS pumping)" in html
    charts = response.context["charts"]
    assert charts["daily"]["attempts"] == [7, 7] and charts["conversion"]["rates"] == [80.0, 50.0]
    assert 'id="verify-analytics-data"' in html and html.count("data-chart=") == 4


def test_the_page_without_attempts_and_with_bad_dates(tenant):
    client = portal_client(tenant)
    empty = client.get(PAGE)
    assert empty.status_code == 200 and "No verifications in this period" in empty.content.decode()
    bad = client.get(PAGE, {"from": "2026-11-12", "to": "2026-11-11"})
    assert bad.status_code == 200 and "`from` is after `to`" in bad.content.decode()
    assert bad.context["stats"] is None


def test_the_page_shows_only_the_current_tenants_figures(tenant, other_tenant):
    seed_known_set(other_tenant)
    recount(other_tenant)
    html = portal_client(tenant).get(PAGE, PERIOD).content.decode()
    assert 'data-figure="attempts">0<' in html


def test_signed_out_people_are_sent_to_sign_in():
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_overview_lists_totals_per_tenant(tenant, other_tenant, staff_user):
    seed_known_set(tenant)
    attempt(other_tenant, ttv=30, price="0.10")
    recount(tenant)
    recount(other_tenant)
    client = Client()
    login_verified(client, staff_user)
    response = client.get("/admin/verify/verificationdailyrollup/overview/", PERIOD)
    assert response.status_code == 200
    rows = {row["tenant_id"]: row for row in response.context["rows"]}
    assert rows[tenant.pk]["attempts"] == 14 and rows[tenant.pk]["approved"] == 10
    assert rows[other_tenant.pk]["attempts"] == 1 and rows[other_tenant.pk]["mean_ttv"] == 30
    assert response.context["totals"]["attempts"] == 15
    assert f'data-tenant="{tenant.slug}"' in response.content.decode()
    changelist = client.get("/admin/verify/verificationdailyrollup/")
    assert changelist.status_code == 200
    assert "Overview across tenants" in changelist.content.decode()


def test_the_overview_is_staff_only(owner):
    client = Client()
    client.force_login(owner)
    response = client.get("/admin/verify/verificationdailyrollup/overview/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_marking_an_attempt_dirty_recounts_its_day_after_commit(
    tenant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        made = attempt(tenant, ttv=25)
        mark_attempt_dirty(made)
        assert not VerificationDailyRollup.objects.for_tenant(tenant).exists()
    assert len(callbacks) == 1
    rollup = VerificationDailyRollup.objects.for_tenant(tenant).get()
    assert (rollup.day, rollup.attempts, rollup.approved) == (DAY, 1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        mark_attempt_dirty(made)  # a duplicate task changes nothing
    assert VerificationDailyRollup.objects.for_tenant(tenant).get().attempts == 1


def test_the_beat_job_recounts_today_and_yesterday(django_capture_on_commit_callbacks):
    busy, quiet, stale = TenantFactory(), TenantFactory(), TenantFactory()
    today = timezone.now().astimezone(dt.UTC).date()
    attempt(busy, day=today, ttv=8)
    attempt(quiet, day=today - dt.timedelta(days=5), ttv=8)
    VerificationDailyRollup.objects.create(
        tenant=stale, day=today, channel="sms", attempts=3, computed_at=timezone.now()
    )  # its attempts were deleted since: the recount empties the day
    with django_capture_on_commit_callbacks(execute=True):
        marked = rollups_mark_recent()
    assert marked == 2
    assert VerificationDailyRollup.objects.for_tenant(busy).get().approved == 1
    assert not VerificationDailyRollup.objects.for_tenant(quiet).exists()
    assert not VerificationDailyRollup.objects.for_tenant(stale).exists()


def test_staff_can_queue_a_recount_from_the_admin(
    tenant, staff_user, django_capture_on_commit_callbacks
):
    made = attempt(tenant, ttv=12)
    rollup_recompute(tenant_id=tenant.pk, day=DAY)
    made.delete()
    rollup = VerificationDailyRollup.objects.for_tenant(tenant).get()
    client = Client()
    login_verified(client, staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/verify/verificationdailyrollup/",
            {"action": "recount", "_selected_action": [rollup.pk]},
        )
    assert response.status_code == 302
    assert not VerificationDailyRollup.objects.for_tenant(tenant).exists()
