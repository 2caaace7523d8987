"""The periodic job that keeps the sandbox clock moving in `make run`."""

from celery import shared_task
from django.core.cache import cache

from sandbox import clock

LOCK_KEY = "sandbox:advance-lock"
LOCK_SECONDS = 120


@shared_task(ignore_result=True)
def advance_clock_task() -> None:
    """Catch the sandbox clock up with the wall clock; overlapping runs are skipped."""
    if not cache.add(LOCK_KEY, 1, LOCK_SECONDS):
        return
    try:
        clock.catch_up()
    finally:
        cache.delete(LOCK_KEY)
