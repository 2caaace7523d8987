"""`GET /api/v1/verifications/stats`: figures, tenancy, and every bad parameter named."""

import datetime as dt
import json

import pytest
from rest_framework.test import APIClient

from tenants.tests.factories import make_api_key
from verify.rollups import rollup_recompute
from verify.tests.analytics_seed import DAY, attempt, seed_known_set

pytestmark = pytest.mark.django_db
URL = "/api/v1/verifications/stats"
NEXT = DAY + dt.timedelta(days=1)


def client_for(tenant) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {make_api_key(tenant)[1]}")
    return client


@pytest.fixture
def seeded(tenant):
    seed_known_set(tenant)
    for day in (DAY, NEXT):
        rollup_recompute(tenant_id=tenant.pk, day=day)
    return tenant


def test_the_figures_of_a_period(seeded):
    response = client_for(seeded).get(URL, {"from": "2026-11-10", "to": "2026-11-11"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["period"] == {"from": "2026-11-10", "to": "2026-11-11", "days": 2}
    assert body["totals"]["attempts"] == 14 and body["totals"]["conversion_rate"] == 0.7143
    assert body["totals"]["time_to_verify"]["median_seconds"] == 40.0
    assert body["totals"]["cost"] == {"amount": "0.62000", "currency": "USD"}
    assert [c["channel"] for c in body["by_channel"]] == ["sms", "whatsapp"]
    assert body["daily"][0] == {"day": "2026-11-10", "attempts": 7, "approved": 5}


def test_filters_by_channel_and_country(seeded):
    client = client_for(seeded)
    params = {"from": "2026-11-10", "to": "2026-11-11"}
    body = client.get(URL, {**params, "channel": "whatsapp"}).json()
    assert body["totals"]["attempts"] == 4 and body["filters"]["channel"] == "whatsapp"
    body = client.get(URL, {**params, "country": "gb"}).json()
    assert body["totals"]["approved"] == 2 and body["filters"]["country"] == "GB"


def test_the_default_period_is_the_last_30_days(tenant):
    today = dt.datetime.now(dt.UTC).date()
    attempt(tenant, day=today, ttv=9)
    attempt(tenant, day=today - dt.timedelta(days=30), ttv=9)
    for day in (today, today - dt.timedelta(days=30)):
        rollup_recompute(tenant_id=tenant.pk, day=day)
    body = client_for(tenant).get(URL).json()
    assert body["period"]["to"] == today.isoformat() and body["period"]["days"] == 30
    assert body["totals"]["attempts"] == 1 and len(body["daily"]) == 30
    only_to = client_for(tenant).get(URL, {"to": "2026-01-31"}).json()
    assert only_to["period"]["from"] == "2026-01-02"


def test_another_tenants_key_sees_none_of_it(seeded, other_tenant):
    body = client_for(other_tenant).get(URL, {"from": "2026-11-10", "to": "2026-11-11"}).json()
    assert body["totals"]["attempts"] == 0 and body["by_channel"] == []


def test_a_member_signed_in_reads_it_too(seeded, member_client):
    response = member_client(role="viewer").get(URL, {"from": "2026-11-10", "to": "2026-11-11"})
    assert response.status_code == 200 and response.json()["totals"]["approved"] == 10


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-02-30"}, "to"),
        ({"to": "10/11/2026"}, "to"),
        ({"from": "1999-12-31"}, "from"),
        ({"from": "2026-11-12", "to": "2026-11-11"}, "from"),
        ({"from": "2024-01-01", "to": "2026-01-01"}, "to"),
        ({"channel": "fax"}, "channel"),
        ({"country": "USA"}, "country"),
        ({"country": "1"}, "country"),
    ],
)
def test_bad_parameters_are_named(tenant, params, field):
    response = client_for(tenant).get(URL, params)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid" and list(error["fields"]) == [field]


def test_anonymous_callers_are_refused():
    assert APIClient().get(URL).status_code == 401


def test_the_schema_describes_it():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/verifications/stats"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"from", "to", "channel", "country"} <= names
    assert {"200", "400"} <= set(operation["responses"])


def test_the_answer_has_exactly_the_documented_shape(seeded):
    from rest_framework.renderers import JSONRenderer

    from verify.analytics import StatsFilters, verification_stats
    from verify.stats_serializers import VerificationStatsSerializer

    body = client_for(seeded).get(URL, {"from": "2026-11-10", "to": "2026-11-11"}).json()
    stats = verification_stats(seeded, StatsFilters(start=DAY, end=NEXT))
    documented = json.loads(JSONRenderer().render(VerificationStatsSerializer(stats).data))
    assert body == documented
