"""Webhook delivery retries: one attempt per task, the next scheduled with backoff."""
import logging

from celery import shared_task

from avvikelse.core import dispatch
from avvikelse.core.clock import now_utc
from avvikelse.api import idempotency
from avvikelse.extensions import db
from avvikelse.integrations import webhooks

log = logging.getLogger(__name__)


@shared_task(name=dispatch.DELIVER_WEBHOOK, acks_late=True, ignore_result=True)
def deliver_webhook(event_id: str) -> None:
    try:
        delay = webhooks.attempt(event_id, now_utc())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    if delay is not None:
        webhooks.schedule_retry(event_id, delay)


@shared_task(name=dispatch.SWEEP_WEBHOOKS, acks_late=True, ignore_result=True)
def sweep_webhooks() -> int:
    """Retries whose task was lost (broker down when it was to be scheduled)."""
    ids = webhooks.due(now_utc())
    for event_id in ids:
        dispatch.dispatch(dispatch.DELIVER_WEBHOOK, event_id)
    return len(ids)


@shared_task(name=dispatch.PURGE_IDEMPOTENCY_KEYS, acks_late=True, ignore_result=True)
def purge_idempotency_keys() -> int:
    """Idempotency keys are kept 24 h; older ones are only deleted here."""
    count = idempotency.purge(now_utc())
    db.session.commit()
    return count
