"""The audit log: filters, search, pagination, CSV export and `GET /api/v1/audit-events`."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from tenants.models import AuditEvent, Membership
from tenants.services import Actor, record_audit
from tenants.tests.factories import MembershipFactory, make_api_key

pytestmark = pytest.mark.django_db
Role = Membership.Role


def event(tenant, action, actor_label="system", days_ago=0, target_label="", changes=None):
    made = record_audit(tenant=tenant, actor=Actor.system(), action=action, changes=changes)
    AuditEvent.objects.filter(pk=made.pk).update(
        actor_label=actor_label,
        target_label=target_label,
        created_at=timezone.now() - timedelta(days=days_ago),
    )
    return made


@pytest.fixture
def log(tenant, other_tenant):
    return {
        "invite": event(tenant, "member.invited", "ann@example.com", 10, "bob@example.com"),
        "key": event(tenant, "api_key.created", "ann@example.com", 3, "CI key"),
        "profile": event(tenant, "business_profile.updated", "cat@example.com", 1, "Acme"),
        "theirs": event(other_tenant, "member.invited", "ann@example.com", 1, "spy@example.com"),
    }


@pytest.fixture
def viewer_client(client, tenant):
    client.force_login(MembershipFactory(tenant=tenant, role=Role.VIEWER).user)
    return client


def shown(response) -> set:
    return {e.pk for e in response.context["events"]}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, {"invite", "key", "profile"}),
        ({"actor": "ann@example.com"}, {"invite", "key"}),
        ({"action": "api_key.created"}, {"key"}),
        ({"q": "invited a team"}, {"invite"}),
        ({"q": "CI KEY"}, {"key"}),
        ({"date_from": "DAYS_AGO_5"}, {"key", "profile"}),
        ({"date_to": "DAYS_AGO_5"}, {"invite"}),
        ({"date_from": "not-a-date"}, {"invite", "key", "profile"}),
    ],
)
def test_the_portal_log_filters_and_searches(viewer_client, log, params, expected):
    five_days_ago = (timezone.localdate() - timedelta(days=5)).isoformat()
    params = {k: v.replace("DAYS_AGO_5", five_days_ago) for k, v in params.items()}
    response = viewer_client.get(reverse("portal:audit"), params)
    assert shown(response) == {log[name].pk for name in expected}


def test_the_filter_menus_offer_this_tenants_actors_and_events_in_words(viewer_client, log):
    response = viewer_client.get(reverse("portal:audit"))
    choices = response.context["choices"]
    assert "ann@example.com" in choices["actors"] and "spy@example.com" not in choices["actors"]
    assert ("member.invited", "Invited a team member") in choices["actions"]
    body = response.content.decode()
    assert '<option value="api_key.created">Created an API key</option>' in body


def test_pages_keep_the_filters(viewer_client, tenant):
    for _ in range(30):
        event(tenant, "api_key.created", "ann@example.com")
    event(tenant, "member.invited", "ann@example.com")
    first = viewer_client.get(reverse("portal:audit"), {"action": "api_key.created"})
    assert first.context["is_paginated"]
    assert "?action=api_key.created&amp;page=2" in first.content.decode()
    second = viewer_client.get(reverse("portal:audit"), {"action": "api_key.created", "page": 2})
    assert len(second.context["events"]) == 5


def test_the_csv_export_is_filtered_scoped_and_readable(viewer_client, tenant, log):
    event(tenant, "member.removed", "=HYPERLINK(1)", 0)
    response = viewer_client.get(reverse("portal:audit_export"), {"actor": "ann@example.com"})
    assert response["Content-Type"].startswith("text/csv")
    assert f"audit-log-{tenant.slug}.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:5] == ["when", "who", "actor_type", "event", "event_code"]
    assert [(r[3], r[4], r[5]) for r in rows[1:]] == [
        ("Created an API key", "api_key.created", "CI key"),
        ("Invited a team member", "member.invited", "bob@example.com"),
    ]

    everything = viewer_client.get(reverse("portal:audit_export"))
    text = b"".join(everything.streaming_content).decode("utf-8-sig")
    assert "spy@example.com" not in text
    assert "'=HYPERLINK(1)" in text


def test_the_api_lists_filters_and_scopes_the_log(member_client, tenant, log):
    client = member_client(role=Role.VIEWER)
    body = client.get("/api/v1/audit-events").json()
    ids = [item["id"] for item in body["results"]]
    assert str(log["theirs"].pk) not in ids
    assert ids[:3] == [str(log[n].pk) for n in ("profile", "key", "invite")]
    first = body["results"][2]
    assert (first["action"], first["action_label"], first["actor"]) == (
        "member.invited",
        "Invited a team member",
        "ann@example.com",
    )

    filtered = client.get("/api/v1/audit-events", {"actor": "ann@example.com", "q": "key"})
    assert [i["id"] for i in filtered.json()["results"]] == [str(log["key"].pk)]

    bad = client.get("/api/v1/audit-events", {"date_from": "yesterday"})
    assert bad.status_code == 400
    assert list(bad.json()["error"]["fields"]) == ["date_from"]


def test_the_api_pages_with_a_cursor_and_reads_with_a_read_only_key(tenant):
    from rest_framework.test import APIClient

    for n in range(3):
        event(tenant, "api_key.created", days_ago=n)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant, scopes=['read'])[1]}")
    page = client.get("/api/v1/audit-events", {"page_size": 2}).json()
    assert len(page["results"]) == 2 and "cursor=" in page["next"]
    rest = client.get(page["next"]).json()
    seen = [i["id"] for i in page["results"] + rest["results"]]
    assert len(seen) == len(set(seen)) == AuditEvent.objects.for_tenant(tenant).count()


def test_the_endpoint_and_its_filters_are_in_the_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/audit-events"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"actor", "action", "date_from", "date_to", "q", "cursor"} <= names
