"""The periodic retention pass (beat runs it every RETENTION_INTERVAL_SECONDS)."""
from celery import shared_task

from avvikelse.audit.retention import run_retention
from avvikelse.core.clock import now_utc


@shared_task(name="avvikelse.retention_pass", acks_late=True, ignore_result=True)
def retention_pass() -> dict[str, int]:
    return run_retention(now_utc())
