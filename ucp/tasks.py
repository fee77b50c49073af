from celery import shared_task
from django.utils import timezone


@shared_task(name="ucp.tasks.heartbeat")
def heartbeat() -> str:
    """Proves the worker and beat are alive; the sweeps of the reviews issue join it."""
    return timezone.now().isoformat()
