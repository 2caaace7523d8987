"""Token buckets per sender (GCRA), daily counters and period counters (a key per day or
month: the billing app's sending quotas), in Redis or in the database.

GCRA keeps one number per sender, its theoretical arrival time (TAT): a reservation at
`now` waits `max(TAT, now) - now` and moves TAT one emission interval (1 / rate) on, so
senders never exceed their rate, however many workers reserve at once. With no burst
allowance, one second never holds more than `rate` sends.

With REDIS_URL the state is two Redis keys per sender, moved by Lua scripts (one round
trip, atomic, Redis' own clock); on the embedded default it is a `SendBucket` row,
locked for a moment in a short transaction (no network call inside). A restarted Redis
simply starts the bucket afresh: pacing restarts, no message is lost or doubled (the
messages themselves live in the database).

A sender that Twilio pushes back on (429, or its queue overflowed: 30001) is slowed for a
while: `slow_down` halves its rate (down to an eighth) for `BROADCAST_BACKOFF_SECONDS`.
"""

import datetime as dt
import time
from functools import lru_cache
from zoneinfo import ZoneInfo

import redis
from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

# Daily caps reset at midnight Pacific time (T-Mobile's day; used for every daily cap).
CAP_DAY_ZONE = ZoneInfo("America/Los_Angeles")
MIN_FACTOR = 0.125
_TTL_SECONDS = 2 * 86400

_RESERVE_LUA = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
redis.call('SET', KEYS[1], string.format('%.6f', tat + tonumber(ARGV[1])), 'EX', ARGV[2])
return string.format('%.6f', tat - now)
"""

_BACKLOG_LUA = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
return string.format('%.6f', tat - now)
"""

_TAKE_DAILY_LUA = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local grant = math.min(tonumber(ARGV[1]), tonumber(ARGV[2]) - used)
if grant <= 0 then return 0 end
redis.call('INCRBY', KEYS[1], grant)
redis.call('EXPIRE', KEYS[1], ARGV[3])
return grant
"""

_GIVE_BACK_LUA = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local back = math.min(tonumber(ARGV[1]), used)
if back > 0 then redis.call('DECRBY', KEYS[1], back) end
return back
"""


def backend() -> str:
    """ "redis" or "db": `BROADCAST_BUCKET_BACKEND`, else Redis whenever REDIS_URL is set."""
    chosen = getattr(settings, "BROADCAST_BUCKET_BACKEND", "")
    if chosen:
        return chosen
    return "redis" if settings.REDIS_URL else "db"


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def _redis() -> redis.Redis:
    return _client(settings.REDIS_URL)


def _cap_day(now: dt.datetime) -> dt.date:
    return now.astimezone(CAP_DAY_ZONE).date()


def _factor(key: str) -> float:
    return float(cache.get(f"pacing:slow:{key}") or 1.0)


def slow_down(key: str) -> float:
    """Halve the sender's rate for a while (Twilio answered 429 or its queue overflowed)."""
    factor = max(_factor(key) * 0.5, MIN_FACTOR)
    cache.set(f"pacing:slow:{key}", factor, timeout=settings.BROADCAST_BACKOFF_SECONDS)
    return factor


def effective_rate(key: str, rate_per_s: float) -> float:
    return rate_per_s * _factor(key)


def _bucket_model():
    """The bucket rows' model, named by `BROADCAST_BUCKET_MODEL` (like AUTH_USER_MODEL):
    messaging doesn't import the apps built on it."""
    return apps.get_model(settings.BROADCAST_BUCKET_MODEL)


def _db_bucket(key: str):
    model = _bucket_model()
    model.objects.get_or_create(key=key)
    return model.objects.select_for_update().get(key=key)


def _reserve_db(key: str, interval: float) -> float:
    with transaction.atomic():
        bucket = _db_bucket(key)
        now = timezone.now()
        tat = max(bucket.tat, now)
        bucket.tat = tat + dt.timedelta(seconds=interval)
        bucket.save(update_fields=["tat"])
    return (tat - now).total_seconds()


def reserve(key: str, rate_per_s: float, daily_cap: int | None = None) -> float | None:
    """Take the sender's next slot: the seconds to wait before the call, or None when its
    daily cap is used up (then nothing is taken)."""
    if daily_cap is not None and take_daily(key, 1, daily_cap) == 0:
        return None
    interval = 1.0 / max(effective_rate(key, rate_per_s), 1e-6)
    if backend() == "redis":
        answer = _redis().eval(_RESERVE_LUA, 1, f"pacing:tat:{key}", interval, _TTL_SECONDS)
        return float(answer)
    return _reserve_db(key, interval)


def backlog_seconds(key: str) -> float:
    """How long the slots already taken last from now (0 when the sender is idle)."""
    if backend() == "redis":
        return float(_redis().eval(_BACKLOG_LUA, 1, f"pacing:tat:{key}"))
    tat = _bucket_model().objects.filter(key=key).values_list("tat", flat=True).first()
    return max((tat - timezone.now()).total_seconds(), 0.0) if tat else 0.0


def _take_daily_db(key: str, wanted: int, cap: int, day: dt.date) -> int:
    with transaction.atomic():
        bucket = _db_bucket(f"day:{key}")
        if bucket.day != day:
            bucket.day, bucket.day_count = day, 0
        grant = max(min(wanted, cap - bucket.day_count), 0)
        bucket.day_count += grant
        bucket.save(update_fields=["day", "day_count"])
    return grant


def take_daily(key: str, wanted: int, cap: int) -> int:
    """Take up to `wanted` of today's `cap` for `key`; returns how many were granted."""
    if wanted <= 0:
        return 0
    day = _cap_day(timezone.now())
    if backend() == "redis":
        name = f"pacing:day:{key}:{day.isoformat()}"
        return int(_redis().eval(_TAKE_DAILY_LUA, 1, name, wanted, cap, _TTL_SECONDS))
    return _take_daily_db(key, wanted, cap, day)


def _take_period_db(key: str, wanted: int, cap: int) -> int:
    with transaction.atomic():
        bucket = _db_bucket(key)
        grant = max(min(wanted, cap - bucket.day_count), 0)
        if grant:
            bucket.day_count += grant
            bucket.save(update_fields=["day_count"])
    return grant


def take_period(key: str, wanted: int, cap: int, ttl_seconds: int) -> int:
    """Take up to `wanted` of `cap` from the counter `key`, whose name says its period (a
    day, a month: a new period is a new key); returns how many were granted. One atomic
    step, whatever the count so far. The Redis key expires `ttl_seconds` after its last take."""
    if wanted <= 0:
        return 0
    if backend() == "redis":
        return int(_redis().eval(_TAKE_DAILY_LUA, 1, key, wanted, cap, ttl_seconds))
    return _take_period_db(key, wanted, cap)


def give_back(key: str, count: int) -> int:
    """Return up to `count` of what `take_period` took from `key` (never below zero)."""
    if count <= 0:
        return 0
    if backend() == "redis":
        return int(_redis().eval(_GIVE_BACK_LUA, 1, key, count))
    with transaction.atomic():
        bucket = _bucket_model().objects.select_for_update().filter(key=key).first()
        if bucket is None:
            return 0
        back = min(count, bucket.day_count)
        bucket.day_count -= back
        bucket.save(update_fields=["day_count"])
    return back


def period_used(key: str) -> int:
    """How much of the counter `key` is taken (0 when it was never taken from)."""
    if backend() == "redis":
        return int(_redis().get(key) or 0)
    used = _bucket_model().objects.filter(key=key).values_list("day_count", flat=True).first()
    return used or 0


def next_cap_reset(now: dt.datetime | None = None) -> dt.datetime:
    """When today's daily caps start over (the next midnight, Pacific time)."""
    local = (now or timezone.now()).astimezone(CAP_DAY_ZONE)
    tomorrow = local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(0, 0), tzinfo=CAP_DAY_ZONE)


def sleep(seconds: float) -> None:
    """Wait for a reserved slot (one place, so the wait is easy to find)."""
    if seconds > 0:
        time.sleep(seconds)
