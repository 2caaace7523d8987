"""The dashboard's messaging figures: volume per day, delivery rate and spend of 30 days."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from messaging.models import STATUS_RANK, Direction, Status
from messaging.selectors import dashboard_figures
from messaging.tests.factories import MessageFactory
from tenants.models import Membership
from tenants.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def message(tenant, days_ago: int, status=Status.DELIVERED, **kwargs):
    at = timezone.now() - timedelta(days=days_ago)
    return MessageFactory(
        tenant=tenant,
        status=status,
        status_rank=STATUS_RANK[status],
        created_at=at,
        updated_at=at,
        **kwargs,
    )


@pytest.fixture
def seeded(tenant, other_tenant):
    message(tenant, 0, price=Decimal("0.0079"), price_unit="USD")
    message(tenant, 0, Status.READ, channel="whatsapp", price=Decimal("0.005"), price_unit="usd")
    message(tenant, 2, Status.UNDELIVERED, price=Decimal("0.0079"), price_unit="USD")
    message(tenant, 2, Status.FAILED)
    message(tenant, 2, Status.SENT)  # still on its way: no outcome yet
    message(tenant, 5, Status.RECEIVED, direction=Direction.INBOUND)
    message(tenant, 29, price=Decimal("1.00"), price_unit="EUR")
    message(tenant, 31, price=Decimal("9.99"), price_unit="USD")  # older than 30 days
    message(other_tenant, 0, price=Decimal("5.00"), price_unit="USD")  # not this tenant


def test_figures_count_volume_delivery_rate_and_spend_of_the_last_30_days(tenant, seeded):
    figures = dashboard_figures(tenant, days=30)

    assert len(figures.volume) == 30
    assert figures.volume[-1].day == timezone.localdate()
    by_age = {(timezone.localdate() - d.day).days: (d.outbound, d.inbound) for d in figures.volume}
    assert by_age[0] == (2, 0)
    assert by_age[2] == (3, 0)
    assert by_age[5] == (0, 1)
    assert by_age[29] == (1, 0)
    assert sum(d.total for d in figures.volume) == 7
    assert (figures.outbound, figures.inbound, figures.peak) == (6, 1, 3)
    assert (figures.delivered, figures.undelivered) == (3, 2)
    assert figures.delivery_rate == 60.0
    assert [(s.currency, s.amount) for s in figures.spend] == [
        ("EUR", Decimal("1.00000")),
        ("USD", Decimal("0.02080")),
    ]


def test_no_messages_means_no_rate_and_no_spend(tenant):
    figures = dashboard_figures(tenant)
    assert (figures.outbound, figures.delivery_rate, figures.spend, figures.peak) == (
        0,
        None,
        [],
        0,
    )


def test_the_dashboard_shows_the_figures_and_a_server_drawn_chart(client, tenant, seeded):
    client.force_login(MembershipFactory(tenant=tenant, role=Membership.Role.VIEWER).user)
    body = client.get(reverse("portal:dashboard")).content.decode()
    assert "Messaging, last 30 days" in body
    assert 'data-figure="outbound">6<' in body
    assert 'data-figure="delivery-rate">60<' in body
    assert "0.02 USD" in body and "1.00 EUR" in body
    start = body.index('<svg viewBox="0 0 300 100"')
    chart = body[start : body.index("</svg>", start)]
    assert chart.count('class="bar"') == 30
    today = timezone.localdate().isoformat()
    assert f'data-day="{today}" data-total="2"' in chart
    assert "<script" not in body[body.index('id="messaging-figures"') :]
