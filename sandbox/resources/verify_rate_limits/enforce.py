"""Start Verification's `RateLimits={"unique_name": value}`: every bucket of each named rate
limit counts the verifications started with that value within its interval; a full bucket
answers 429 / 20429 and nothing is sent or counted."""

from __future__ import annotations

import datetime as dt

from sandbox.core.errors import TwilioError
from sandbox.resources.verify_rate_limits.models import RateLimit, RateLimitHit
from sandbox.resources.verify_services import rules
from sandbox.resources.verify_services.models import VerifyService

TOO_MANY_REQUESTS = 20429


def check(service: VerifyService, limits: dict, now: dt.datetime) -> list[tuple[RateLimit, str]]:
    """The (rate limit, value) pairs to count once the verification is sent."""
    found = {r.unique_name: r for r in RateLimit.objects.filter(service=service)}
    pairs = []
    for name, raw in limits.items():
        rate_limit = found.get(name)
        if rate_limit is None:
            raise rules.invalid("RateLimits", f"no rate limit named {name} on the service")
        value = str(raw)
        for bucket in rate_limit.buckets.all():
            used = RateLimitHit.objects.filter(
                rate_limit=rate_limit,
                value=value,
                at__gt=now - dt.timedelta(seconds=bucket.interval),
            ).count()
            if used >= bucket.max:
                raise TwilioError(
                    TOO_MANY_REQUESTS,
                    429,
                    "Too many requests",
                    headers={"Twilio-Reached-Rate-Limit": name},
                )
        pairs.append((rate_limit, value))
    return pairs


def count(pairs: list[tuple[RateLimit, str]], now: dt.datetime) -> None:
    RateLimitHit.objects.bulk_create(
        [RateLimitHit(rate_limit=rate_limit, value=value, at=now) for rate_limit, value in pairs]
    )
