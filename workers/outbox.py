"""Thin tasks: an event id in, the domain service does the work, commit."""
import logging

from celery import shared_task

from avvikelse.core import dispatch, outbox
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db

log = logging.getLogger(__name__)


@shared_task(
    name=dispatch.PROCESS_EVENT,
    bind=True,
    acks_late=True,
    max_retries=None,
    autoretry_for=(Exception,),
    retry_backoff=2,
    retry_backoff_max=600,
    retry_jitter=True,
)
def process_event(self, event_id: str) -> None:
    try:
        done = outbox.process(event_id)
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        outbox.record_failure(event_id, exc)
        db.session.commit()
        log.warning("event %s failed (attempt %d): %s", event_id, self.request.retries + 1, type(exc).__name__)
        raise
    if done:
        log.info("event %s processed", event_id)


@shared_task(name=dispatch.SWEEP_OUTBOX, acks_late=True, ignore_result=True)
def sweep_outbox() -> int:
    """Hand over again what never reached a worker (broker down, process killed)."""
    now = now_utc()
    events = outbox.stale(now)
    for evt in events:
        evt.last_dispatch_at = now
    db.session.commit()
    if events:
        outbox.publish([e.id for e in events])
    return len(events)
