"""Handing work to the background workers: one way, by task name.

The app never imports `workers` (the workers import the app). Every task has its name
here; `workers/` registers a Celery task under each name, and `dispatch()` sends work
by that name through the Celery app the factory bound (`extensions.celery_init_app`).
A broker that is down is logged, never raised: what was to be done is safe in the
database, and a periodic sweep hands it over again.
"""
import logging

from flask import current_app

log = logging.getLogger(__name__)

#: run one outbox event's handlers (avvikelse/events.py)
PROCESS_EVENT = "avvikelse.process_event"
#: hand over again what never reached a worker (beat)
SWEEP_OUTBOX = "avvikelse.sweep_outbox"
#: one webhook delivery attempt; retries are dispatched with a countdown
DELIVER_WEBHOOK = "avvikelse.deliver_webhook"
#: webhook retries whose task was lost (beat)
SWEEP_WEBHOOKS = "avvikelse.sweep_webhooks"
#: Idempotency-Key records older than a day (beat)
PURGE_IDEMPOTENCY_KEYS = "avvikelse.purge_idempotency_keys"
#: reminders, overdue escalation, late acknowledgements (beat)
CLOCK_PASS = "avvikelse.clock_pass"
#: de-identification and the access log's ageing (beat)
RETENTION_PASS = "avvikelse.retention_pass"
#: build one forum summary a page asked for
BUILD_FORUM_SUMMARY = "avvikelse.forum_build"
#: the forum's summaries once a quarter has ended (beat)
FORUM_QUARTER_ENDED = "avvikelse.forum_quarter_ended"
#: the forum's current pages protected ahead of a reader, their patterns stored (beat)
FORUM_WARM = "avvikelse.forum_warm"
#: the rollups compared with a full recount from the cases, repaired (beat, nightly)
ROLLUPS_RECOUNT = "avvikelse.rollups_recount"
#: the stored national releases marked stale computed again (beat; every one after the recount)
NATIONAL_REFRESH = "avvikelse.national_refresh"


def dispatch(task: str, *args, countdown: float | None = None) -> bool:
    """Send `task` with `args` (JSON values: ids, never objects) to the workers; whether
    the broker took it."""
    try:
        current_app.extensions["celery"].send_task(task, args=list(args), countdown=countdown)
        return True
    except Exception as exc:  # kombu raises many kinds; any of them means "later"
        log.warning("broker unavailable, %s left for later: %s", task, type(exc).__name__)
        return False
