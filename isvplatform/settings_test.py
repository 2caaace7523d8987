"""Test settings: the real settings with fast hashing, a local cache and eager tasks.

Integration tests start a real worker on `isvplatform.settings` against the same test
database (a file for SQLite, so the worker can open it).
"""

import os

from isvplatform.settings import *
from isvplatform.settings import DATABASES, VAR_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TWILIO_RETRY_BASE_DELAY = 0.0
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"tenant": "100000/min"}}
API_AUTH_FAILURE_RATE = "100000/min"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{worker}.sqlite3")}

INSTALLED_APPS = [*INSTALLED_APPS, "isvplatform.testing.secretsapp"]
SANDBOX_CALLBACKS_INPROCESS = True
SANDBOX_STRICT_PARAMS = True  # unknown Twilio parameters fail the test (typos)
TWILIO_A2P_REQUESTS_PER_SECOND = 0  # no pacing sleeps in tests
# Event streams end at once in the suite (under WSGI a stream holds its request's thread).
BROADCAST_STREAM_MAX_SECONDS = 1.0
BROADCAST_STREAM_POLL_SECONDS = 0.05
# Sends resolve their sender every time, as a test that edits a number or registration with
# a queryset update (no signal) expects; the sender cache's own tests turn it on.
MESSAGING_SENDER_CACHE_SECONDS = 0
# No sending quota unless a test asks for one (the ramp's 100 a day would refuse the other
# apps' bigger batches); the billing app's quota tests set the levels.
BILLING_RAMP_UP_LEVELS: list[int] = []
CELERY_QUEUE_ROUTING = False  # the suite's worker consumes one queue (isvplatform/routing.py)
# No per-tenant API concurrency limit (isvplatform/api/concurrency.py): the suite's clients
# never go through the ASGI layer, and its own tests build the limit with a Redis of theirs.
API_TENANT_CONCURRENCY = 0
