"""The periodic clock pass (beat runs it every CLOCK_INTERVAL_SECONDS)."""
from celery import shared_task

from avvikelse.core import dispatch
from avvikelse.core.clock import now_utc
from avvikelse.escalation.clocks import run_pass


@shared_task(name=dispatch.CLOCK_PASS, acks_late=True, ignore_result=True)
def clock_pass() -> str:
    return str(run_pass(now_utc()))
