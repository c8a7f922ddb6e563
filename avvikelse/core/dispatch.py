"""Handing work to the background workers: one way, by task name.

The app never imports `workers` (the workers import the app). Every task has its name
here; `workers/` registers a Celery task under each name, and `dispatch()` sends work
by that name through the Celery app the factory bound (`extensions.celery_init_app`).
A broker that is down is logged, never raised: what was to be done is safe in the
database, and a periodic sweep hands it over again.
"""
import contextlib
import logging
import os
import threading
import uuid

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


#: Two lanes, so that a long pass never holds up a filing's routing and mail. The
#: default queue carries what a person is waiting for (events, mail, webhooks, the
#: clock, the sweeps, a summary a forum page asked for); BULK carries the scheduled
#: passes that may run for minutes (hours at national size: the first forum-warm solves
#: every page), each lane with workers of its own (Procfile, Procfile.dev).
DEFAULT_QUEUE = "celery"
BULK_QUEUE = "bulk"
BULK_TASKS = frozenset({
    RETENTION_PASS, FORUM_QUARTER_ENDED, FORUM_WARM, ROLLUPS_RECOUNT, NATIONAL_REFRESH,
})


def task_routes() -> dict:
    """Celery's `task_routes`: the bulk tasks to their queue, the rest to the default."""
    return {name: {"queue": BULK_QUEUE} for name in sorted(BULK_TASKS)}


def dispatch(task: str, *args, countdown: float | None = None) -> bool:
    """Send `task` with `args` (JSON values: ids, never objects) to the workers; whether
    the broker took it."""
    try:
        current_app.extensions["celery"].send_task(task, args=list(args), countdown=countdown)
        return True
    except Exception as exc:  # kombu raises many kinds; any of them means "later"
        log.warning("broker unavailable, %s left for later: %s", task, type(exc).__name__)
        return False


class _Held:
    """The producer a process keeps between hand-overs, on a connection of its own (not
    a pool's: a slot held for good, or lost to a broken connection that fails to go back,
    would leave the pool's next acquire blocking for ever), with the Celery app it
    belongs to. One for all the threads, under a lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.celery = None
        self.producer = None


_held = _Held()
# A forked child (gunicorn's workers) starts with none: its parent's socket is not its own.
os.register_at_fork(after_in_child=_held.__init__)


def dispatch_each(task: str, args_list: list[tuple]) -> bool:
    """`dispatch(task, *args)` for each of `args_list`, cheaper: every commit that emits
    an event sends one, so the per-send costs of `send_task` (acquiring a producer from
    the pool, and on Redis a new client object per message) are paid once per process.
    The message is Celery's own (`create_task_message`, `send_task_message`: the same
    protocol, queue, serializer and signals as send_task). Whether the broker took them
    all; stops at the first it refused, and a refused producer is not kept."""
    celery = current_app.extensions["celery"]
    amqp = celery.amqp
    # the queue task_routes names, as send_task would take it
    queue = BULK_QUEUE if task in BULK_TASKS else None
    with _held.lock:
        try:
            producer = _producer(celery)
            for args in args_list:
                task_id = str(uuid.uuid4())
                message = amqp.create_task_message(task_id, task, list(args), None)
                amqp.send_task_message(producer, task, message, queue=queue, retry=False)
            return True
        except Exception as exc:  # kombu raises many kinds; any of them means "later"
            _drop()
            log.warning("broker unavailable, %s left for later: %s", task, type(exc).__name__)
            return False


def _producer(celery):
    """The held producer (the caller holds the lock), made when there is none yet or it
    was another app's. Connects, so it raises when the broker is down."""
    if _held.producer is not None and _held.celery is celery:
        return _held.producer
    _drop()
    connection = celery.connection_for_write()
    _held.celery, _held.producer = celery, celery.amqp.Producer(connection)
    channel = _held.producer.channel
    # kombu's Redis channel makes a new client object for every message (its response
    # callbacks, ~170 of them, set up each time); one client over the same connection
    # pool serves every message this producer sends. Other transports lack the hook.
    if hasattr(channel, "conn_or_acquire") and hasattr(channel, "_create_client"):
        client = channel._create_client()

        @contextlib.contextmanager
        def conn_or_acquire(given=None):
            yield given or client

        channel.conn_or_acquire = conn_or_acquire
    return _held.producer


def _drop() -> None:
    """Close the held producer's connection (a refused one may be broken: the next
    hand-over connects afresh)."""
    producer = _held.producer
    _held.celery = _held.producer = None
    if producer is not None:
        try:
            producer.connection.release()
        except Exception:  # nothing to keep: the next hand-over connects afresh
            log.debug("closing a refused connection failed", exc_info=True)
