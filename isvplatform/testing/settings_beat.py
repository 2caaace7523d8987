"""The production settings with one fast beat entry only, the test-only probe
(isvplatform/testing/beat_probe.py), for the beats and the worker of
isvplatform/tests/test_beat_lock.py."""

from isvplatform.settings import *  # noqa: F403

CELERY_IMPORTS = ["isvplatform.testing.beat_probe"]
CELERY_BEAT_SCHEDULE = {"probe": {"task": "isvplatform.testing.beat_probe", "schedule": 1.0}}
