"""The analytics figures against a seeded set whose answers are known by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from verify import ttv
from verify.analytics import StatsFilters, verification_stats
from verify.models import VerificationDailyRollup
from verify.rollups import rollup_recompute, rollups_rebuild
from verify.tests.analytics_seed import DAY, attempt, seed_known_set

pytestmark = pytest.mark.django_db
NEXT = DAY + dt.timedelta(days=1)


def recount(tenant, *days):
    for day in days or (DAY, NEXT):
        rollup_recompute(tenant_id=tenant.pk, day=day)


def stats_of(tenant, start=DAY, end=NEXT, **filters):
    return verification_stats(tenant, StatsFilters(start=start, end=end, **filters))


def test_totals_of_the_seeded_set(tenant):
    seed_known_set(tenant)
    recount(tenant)
    totals = stats_of(tenant)["totals"]
    assert (totals["attempts"], totals["approved"]) == (14, 10)
    assert totals["conversion_rate"] == round(10 / 14, 4)
    # times to verify, sorted: 5 10 20 30 40 50 60 70 80 200 — nearest rank 5 and 9
    assert totals["time_to_verify"]["median_seconds"] == 40
    assert totals["time_to_verify"]["p90_seconds"] == 80
    assert totals["time_to_verify"]["mean_seconds"] == 56.5
    assert totals["failures"] == [
        {"reason": "60410", "label": "Blocked by Fraud Guard (SMS pumping)", "count": 1},
        {"reason": "expired", "label": "Code expired unused", "count": 1},
        {"reason": "max_attempts_reached", "label": "Too many wrong codes", "count": 1},
    ]
    assert totals["cost"] == {"amount": "0.62000", "currency": "USD"}
    assert sum(b["count"] for b in totals["ttv_distribution"]) == 10


def test_per_channel_and_per_country(tenant):
    seed_known_set(tenant)
    recount(tenant)
    stats = stats_of(tenant)
    sms, whatsapp = stats["by_channel"]
    assert (sms["channel"], sms["attempts"], sms["approved"]) == ("sms", 10, 8)
    assert sms["conversion_rate"] == 0.8
    # 10..80 s: medians combine across the two days (ranks 4 and 8 of 8)
    assert sms["time_to_verify"] == {"median_seconds": 40, "p90_seconds": 80, "mean_seconds": 45.0}
    assert sms["cost"]["amount"] == "0.50000"
    assert whatsapp["label"] == "WhatsApp" and whatsapp["conversion_rate"] == 0.5
    # 200 s lies in a five-second bucket: its middle, 2.5 s at most from the truth
    assert whatsapp["time_to_verify"]["median_seconds"] == 5
    assert whatsapp["time_to_verify"]["p90_seconds"] == 202.5
    assert [c["country"] for c in stats["by_country"]] == ["US", "GB"]
    assert stats["by_country"][1]["failures"] == [
        {"reason": "max_attempts_reached", "label": "Too many wrong codes", "count": 1}
    ]


def test_days_and_filters(tenant):
    seed_known_set(tenant)
    recount(tenant)
    stats = stats_of(tenant, start=DAY - dt.timedelta(days=1))
    assert [(d["day"], d["attempts"], d["approved"]) for d in stats["daily"]] == [
        (DAY - dt.timedelta(days=1), 0, 0),
        (DAY, 7, 5),
        (NEXT, 7, 5),
    ]
    assert stats_of(tenant, end=DAY)["totals"]["attempts"] == 7
    only = stats_of(tenant, channel="whatsapp")
    assert only["totals"]["attempts"] == 4 and [c["channel"] for c in only["by_channel"]] == [
        "whatsapp"
    ]
    assert stats_of(tenant, country="US")["totals"]["approved"] == 8
    empty = stats_of(tenant, country="FR")["totals"]
    assert empty["attempts"] == 0 and empty["conversion_rate"] is None
    assert empty["time_to_verify"]["median_seconds"] is None


def test_a_recount_twice_gives_the_same_rows(tenant):
    seed_known_set(tenant)
    recount(tenant)
    first = list(VerificationDailyRollup.objects.for_tenant(tenant).values().order_by("pk"))
    recount(tenant)
    recount(tenant)
    second = list(VerificationDailyRollup.objects.for_tenant(tenant).values().order_by("pk"))

    def figures(rows):
        return sorted(
            [{k: v for k, v in row.items() if k not in ("id", "computed_at")} for row in rows],
            key=lambda row: (row["day"], row["channel"]),
        )

    assert len(second) == 4 and figures(first) == figures(second)
    assert stats_of(tenant)["totals"]["attempts"] == 14


def test_a_changed_attempt_is_recounted_not_added(tenant):
    pending = attempt(tenant)
    recount(tenant, DAY)
    assert stats_of(tenant)["totals"]["approved"] == 0
    pending.status = "approved"
    pending.approved_at = pending.created_at + dt.timedelta(seconds=33)
    pending.save()
    recount(tenant, DAY)
    totals = stats_of(tenant)["totals"]
    assert (totals["attempts"], totals["approved"]) == (1, 1)
    assert totals["time_to_verify"]["median_seconds"] == 33
    pending.delete()
    recount(tenant, DAY)
    assert not VerificationDailyRollup.objects.for_tenant(tenant).exists()


def test_the_backfill_counts_like_the_per_tenant_recount(tenant, other_tenant):
    seed_known_set(tenant)
    attempt(other_tenant, ttv=12)
    written = rollups_rebuild([DAY, NEXT])
    assert written == 5
    by_backfill = stats_of(tenant)
    recount(tenant)
    assert stats_of(tenant) == by_backfill
    assert stats_of(other_tenant)["totals"]["approved"] == 1


def test_a_tenant_sees_only_its_own_figures(tenant, other_tenant):
    seed_known_set(tenant)
    attempt(other_tenant, ttv=300, price="1.00")
    recount(tenant)
    recount(other_tenant, DAY)
    mine, theirs = stats_of(tenant)["totals"], stats_of(other_tenant)["totals"]
    assert mine["attempts"] == 14 and theirs["attempts"] == 1
    assert theirs["cost"]["amount"] == "1.00000"
    rollup_recompute(tenant_id=other_tenant.pk, day=DAY)
    assert stats_of(tenant)["totals"]["attempts"] == 14


def test_attempts_without_price_or_approval_time(tenant):
    attempt(tenant, price=None)
    attempt(tenant, status="approved")  # approved, but no approval time recorded
    recount(tenant, DAY)
    totals = stats_of(tenant)["totals"]
    assert totals["approved"] == 1 and totals["time_to_verify"]["median_seconds"] is None
    assert totals["cost"]["amount"] == "0.05000"


def test_unknown_twilio_codes_read_as_errors(tenant):
    attempt(tenant, status="failed", error_code="60999")
    attempt(tenant, status="failed")
    recount(tenant, DAY)
    reasons = {f["reason"]: f["label"] for f in stats_of(tenant)["totals"]["failures"]}
    assert reasons == {"60999": "Twilio error 60999", "failed": "Not sent"}


@pytest.mark.parametrize(
    ("seconds", "low", "high"),
    [(0, 0, 1), (59.9, 59, 60), (119.99, 119, 120), (120, 120, 125), (599, 595, 600),
     (600, 600, 660), (3599, 3540, 3600), (3600, 3600, float("inf")), (-3, 0, 1)],
)  # fmt: skip
def test_time_to_verify_buckets(seconds, low, high):
    assert ttv.bucket_bounds(ttv.bucket_of(seconds)) == (low, high)


def test_quantiles_of_merged_histograms():
    total: dict[str, int] = {}
    ttv.merge_into(total, ttv.histogram_of([1, 2, 3]))
    ttv.merge_into(total, ttv.histogram_of([4, 700]))
    assert ttv.quantile(total, 0.5) == 3
    assert ttv.quantile(total, 0.9) == 690.0  # 700 s: the middle of [660, 720)
    assert ttv.quantile({}, 0.5) is None
    assert Decimal(str(ttv.quantile(total, 0.2))) == 1
