"""The periodic retention pass (beat runs it every RETENTION_INTERVAL_SECONDS)."""
from celery import shared_task

from avvikelse.core import dispatch
from avvikelse.core.clock import now_utc
from avvikelse.retention.services import run_retention


@shared_task(name=dispatch.RETENTION_PASS, acks_late=True, ignore_result=True)
def retention_pass() -> dict[str, int]:
    return run_retention(now_utc())
