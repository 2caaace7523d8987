"""Contract scenarios for Verify rate limits and buckets (see sandbox/tests/test_contract.py)."""

LIMITS = "/v2/Services/{ServiceSid}/RateLimits"
BUCKETS = LIMITS + "/{RateLimitSid}/Buckets"


def rate_limits(ctx) -> None:
    service = ctx.sub.client.verify.v2.services.create(friendly_name="Acme")
    verify = ctx.sub.client.verify.v2.services(service.sid)
    limit = verify.rate_limits.create(unique_name="end_user_ip", description="Per client IP")
    verify.rate_limits.list(limit=5)
    verify.rate_limits(limit.sid).fetch()
    verify.rate_limits(limit.sid).update(description="Per end-user IP")
    buckets = verify.rate_limits(limit.sid).buckets
    bucket = buckets.create(max=1, interval=60)
    buckets.list(limit=5)
    buckets(bucket.sid).fetch()
    buckets(bucket.sid).update(max=2, interval=120)
    verify.verifications.create(
        to="+14155550197", channel="sms", rate_limits={"end_user_ip": "203.0.113.7"}
    )
    buckets(bucket.sid).delete()
    verify.rate_limits(limit.sid).delete()


SCENARIOS = {
    "rate_limits": (
        {
            f"POST verify:{LIMITS}",
            f"GET verify:{LIMITS}",
            f"GET verify:{LIMITS}/{{Sid}}",
            f"POST verify:{LIMITS}/{{Sid}}",
            f"DELETE verify:{LIMITS}/{{Sid}}",
            f"POST verify:{BUCKETS}",
            f"GET verify:{BUCKETS}",
            f"GET verify:{BUCKETS}/{{Sid}}",
            f"POST verify:{BUCKETS}/{{Sid}}",
            f"DELETE verify:{BUCKETS}/{{Sid}}",
        },
        rate_limits,
    ),
}
