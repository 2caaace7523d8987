"""The project package: settings, URLs, Celery, and what every app shares.

What lives where: `gateway/` (the only door to Twilio), `api/` (the API's base views,
errors, paging, schema), `crypto.py` and `fields.py` (encrypted fields), `public.py` (the
platform's own URLs), `money.py`, `health.py` and `tasks.py` (the worker heartbeat),
`localenv.py` (defaults for an unconfigured machine), `demo.py` and `management/` (`make
run`), `testing/` (shared test helpers).
"""

from isvplatform.celery import app as celery_app

__all__ = ("celery_app",)
