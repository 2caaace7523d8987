"""The retention policy: its service, the portal page, the admin and the API."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from retention.models import RetentionPolicy
from retention.services import policy_for, retention_policy_update
from retention.tests.factories import RetentionPolicyFactory
from tenants.models import AuditEvent, Membership
from tenants.services import Actor
from tenants.tests.factories import make_api_key
from twofactor.tests.helpers import login_verified

pytestmark = pytest.mark.django_db
URL = "/api/v1/retention"


def test_a_change_is_saved_and_audited_with_what_changed(tenant):
    policy = retention_policy_update(
        tenant=tenant, data={"event_days": 30, "body_days": "365"}, actor=Actor.system()
    )

    assert (policy.event_days, policy.body_days) == (30, 365)
    audit = AuditEvent.objects.get(tenant=tenant, action="retention_policy.updated")
    assert audit.changes == {"event_days": [None, 30], "body_days": [None, 365]}


def test_an_unchanged_policy_writes_no_audit_row(tenant):
    RetentionPolicyFactory(tenant=tenant, event_days=30, body_days=None)

    retention_policy_update(tenant=tenant, data={"event_days": 30}, actor=Actor.system())

    assert not AuditEvent.objects.filter(action="retention_policy.updated").exists()


@pytest.mark.parametrize("value", [3, 999999, "soon", 12.5, True])
@pytest.mark.parametrize("field", ["event_days", "body_days"])
def test_a_period_out_of_bounds_is_refused_naming_its_field(tenant, field, value):
    with pytest.raises(ValidationError) as err:
        retention_policy_update(tenant=tenant, data={field: value}, actor=Actor.system())

    assert list(err.value.message_dict) == [field]
    assert not RetentionPolicy.objects.exists()


def test_null_returns_to_the_platform_default(tenant, settings):
    settings.RETENTION_EVENT_DAYS = 90
    RetentionPolicyFactory(tenant=tenant, event_days=30)

    policy = retention_policy_update(tenant=tenant, data={"event_days": None}, actor=Actor.system())

    assert policy.event_days is None and policy.effective_event_days == 90


def test_every_member_sees_the_page_and_only_managers_change_it(tenant, member_client):
    url = reverse("retention:settings")
    viewer = member_client(role=Membership.Role.MEMBER)
    assert viewer.get(url).status_code == 200
    assert viewer.post(url, {"event_days": "30"}).status_code == 403

    owner = member_client(role=Membership.Role.OWNER)
    response = owner.post(url, {"event_days": "30", "body_days": ""})

    assert response.status_code == 302
    assert policy_for(tenant).event_days == 30 and policy_for(tenant).body_days is None
    assert b"Keep raw webhook events" in owner.get(url).content


def test_the_page_shows_a_bad_period_beside_its_field(tenant, member_client):
    owner = member_client(role=Membership.Role.OWNER)

    response = owner.post(reverse("retention:settings"), {"event_days": "2"})

    assert response.status_code == 400
    assert "event_days" in response.context["form"].errors
    assert not RetentionPolicy.objects.exists()


def test_staff_change_a_policy_in_the_admin_and_it_is_audited(tenant, staff_user, client):
    policy = RetentionPolicyFactory(tenant=tenant, event_days=30, body_days=None)
    login_verified(client, staff_user)
    url = reverse("admin:retention_retentionpolicy_change", args=[policy.pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {"event_days": "60", "body_days": "400"})

    assert response.status_code == 302, response.content[:2000]
    policy.refresh_from_db()
    assert (policy.event_days, policy.body_days) == (60, 400)
    audit = AuditEvent.objects.get(action="retention_policy.updated")
    assert audit.actor_user == staff_user

    bad = client.post(url, {"event_days": "1", "body_days": ""})
    assert bad.status_code == 200 and "event_days" in bad.context["adminform"].form.errors


def test_the_api_reads_the_defaults_before_any_change(tenant, member_client, settings):
    settings.RETENTION_EVENT_DAYS, settings.RETENTION_BODY_DAYS = 90, None

    body = member_client(role=Membership.Role.MEMBER).get(URL).json()

    assert body["event_days"] is None and body["effective_event_days"] == 90
    assert body["body_days"] is None and body["effective_body_days"] is None


def test_the_api_changes_a_period_and_names_a_bad_one(tenant, api_client):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant)[1]}")

    ok = api_client.patch(URL, {"body_days": 30}, format="json")
    bad = api_client.patch(URL, {"event_days": 1}, format="json")
    wrong_type = api_client.patch(URL, {"event_days": "soon"}, format="json")

    assert ok.status_code == 200 and ok.json()["effective_body_days"] == 30
    assert bad.status_code == 400 and list(bad.json()["error"]["fields"]) == ["event_days"]
    assert wrong_type.status_code == 400
    assert list(wrong_type.json()["error"]["fields"]) == ["event_days"]
    assert policy_for(tenant).event_days is None


def test_members_cannot_change_the_policy_through_the_api(tenant, member_client):
    response = member_client(role=Membership.Role.MEMBER).patch(
        URL, {"body_days": 30}, format="json"
    )

    assert response.status_code == 403
    assert not RetentionPolicy.objects.exists()
