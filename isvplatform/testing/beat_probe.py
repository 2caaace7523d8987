"""A test-only periodic task (isvplatform/tests/test_beat_lock.py): one row per run it is
sent for, named by the run's `isv_beat_run` header, the beat that sent it and the task id,
so a run sent twice shows as two rows."""

from celery import shared_task
from django.utils import timezone

from isvplatform.beat import LEADER_HEADER, RUN_HEADER
from isvplatform.models import WorkerHeartbeat

PREFIX = "probe "


@shared_task(bind=True, name="isvplatform.testing.beat_probe")
def beat_probe_task(self) -> str:
    run, leader = self.request.get(RUN_HEADER), self.request.get(LEADER_HEADER)
    name = f"{PREFIX}{run}|{leader}|{self.request.id[:8]}"
    WorkerHeartbeat.objects.get_or_create(name=name, defaults={"last_seen_at": timezone.now()})
    return name
