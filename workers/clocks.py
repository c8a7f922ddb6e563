"""The periodic clock pass (beat runs it every CLOCK_INTERVAL_SECONDS): the answer clock
and its escalations, then the learning clock (investigations' deadlines, measures)."""
from celery import shared_task

from avvikelse.core import dispatch
from avvikelse.core.clock import now_utc
from avvikelse.escalation.clocks import run_pass
from avvikelse.learning import clocks as learning_clocks


@shared_task(name=dispatch.CLOCK_PASS, acks_late=True, ignore_result=True)
def clock_pass() -> str:
    now = now_utc()
    return f"{run_pass(now)}; {learning_clocks.run_pass(now)}"
