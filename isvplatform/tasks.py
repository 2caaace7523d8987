from celery import shared_task
from django.utils import timezone

from isvplatform.models import WorkerHeartbeat


@shared_task(name="isvplatform.heartbeat")
def heartbeat_task(name: str = "worker") -> str:
    """Scheduled by beat: proves that beat schedules and a worker runs tasks."""
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"last_seen_at": timezone.now()})
    return name
