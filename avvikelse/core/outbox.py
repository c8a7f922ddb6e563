"""Transactional outbox: work is never lost.

A service calls `emit()` inside the transaction that changes a case, so the event is
committed with the change or not at all. After the commit the event is handed to the
workers; if the broker is down, the periodic sweep hands it over later. What an event
kind is followed by is the app's event table (avvikelse/events.py), which the factory
installs here: a worker runs an event's handlers in order, in one transaction, and marks
the event processed in that same transaction, so an event's work is done exactly once.
"""
import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone

from flask import Flask, current_app
from sqlalchemy import JSON, String, event, func, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from avvikelse.core.clock import now_utc
from avvikelse.core.dispatch import PROCESS_EVENT, dispatch_each
from avvikelse.core.models import UTCDateTime
from avvikelse.extensions import db

log = logging.getLogger(__name__)

#: A handler gets the event's payload and a key unique to this event and this handler,
#: for its own idempotent effects (a notice, a mail, a delivery, per key and person).
Handler = Callable[[dict, str], None]
EVENTS_KEY = "avvikelse.events"


class OutboxEvent(db.Model):
    __tablename__ = "outbox_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: e.g. case.filed, case.status_changed, mail.send
    kind: Mapped[str] = mapped_column(String(64))
    #: ids only, never personal data
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_dispatch_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))


def install(app: Flask, table: Mapping[str, tuple[Handler, ...]]) -> None:
    """The factory's step: this app's event kinds and their handlers, and the hand-over
    of each commit's events to the workers (session listeners, once per process: each
    app reads its own OUTBOX_AUTODISPATCH)."""
    app.extensions[EVENTS_KEY] = dict(table)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


def handlers(kind: str) -> tuple[Handler, ...]:
    """An unknown kind is a bug (an event emitted that nobody listed): it raises, and the
    event stays unprocessed with its error, for an operator to see."""
    return current_app.extensions[EVENTS_KEY][kind]


def handler_key(event_id: str, handler: Handler) -> str:
    """Stable for the same event and handler, so a retried event tells nobody twice, and
    distinct per handler, as if each handler had its own event."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{event_id}/{handler.__module__}.{handler.__qualname__}"))


def emit(kind: str, **payload) -> OutboxEvent:
    evt = OutboxEvent(id=str(uuid.uuid4()), kind=kind, payload=payload, created_at=now_utc())
    db.session.add(evt)
    db.session.info.setdefault("outbox", []).append(evt.id)
    return evt


def emit_many(kind: str, payloads: list[dict]) -> list[str]:
    """`emit` for many events of one kind in one INSERT (a pass that changes cases by the
    hundred): the same rows, handed to the workers after the commit the same way.
    Returns their ids."""
    if not payloads:
        return []
    at = now_utc()
    rows = [{"id": str(uuid.uuid4()), "kind": kind, "payload": payload, "created_at": at, "attempts": 0}
            for payload in payloads]
    db.session.execute(OutboxEvent.__table__.insert(), rows)
    ids = [row["id"] for row in rows]
    db.session.info.setdefault("outbox", []).extend(ids)
    return ids


def process(event_id: str) -> bool:
    """Run one event's handler; False when it was already done. The caller commits."""
    stmt = select(OutboxEvent).where(OutboxEvent.id == event_id).with_for_update()
    evt = db.session.scalar(stmt)
    if evt is None or evt.processed_at is not None:
        return False
    for handler in handlers(evt.kind):
        handler(evt.payload, handler_key(evt.id, handler))
    evt.processed_at = now_utc()
    db.session.flush()
    return True


def record_failure(event_id: str, error: Exception) -> None:
    evt = db.session.get(OutboxEvent, event_id)
    if evt is not None:
        evt.attempts += 1
        evt.last_error = f"{type(error).__name__}: {error}"[:500]


def pending(limit: int = 500) -> list[OutboxEvent]:
    stmt = (
        select(OutboxEvent)
        .where(OutboxEvent.processed_at.is_(None))
        .order_by(OutboxEvent.created_at)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def drain(max_rounds: int = 50) -> int:
    """Process every pending event synchronously, including those handlers emit.
    For tests and the operator CLI; production lets the workers do it. An event that
    fails is recorded and left for a later run, as a worker would."""
    done, failed = 0, set()
    for _ in range(max_rounds):
        batch = [evt for evt in pending() if evt.id not in failed]
        if not batch:
            return done
        for evt_id in [evt.id for evt in batch]:
            try:
                done += process(evt_id)
                db.session.commit()
            except Exception as exc:  # a handler's failure must not stop the others
                db.session.rollback()
                record_failure(evt_id, exc)
                db.session.commit()
                failed.add(evt_id)
                log.warning("event %s failed: %s", evt_id, type(exc).__name__)
    return done


def backlog(now: datetime) -> dict:
    """Waiting and failing events and the age of the oldest: for /healthz and operators."""
    waiting = OutboxEvent.processed_at.is_(None)
    count, oldest = db.session.execute(
        select(func.count(), func.min(OutboxEvent.created_at)).where(waiting)
    ).one()
    failing = db.session.scalar(
        select(func.count()).select_from(OutboxEvent).where(waiting, OutboxEvent.attempts > 0)
    )
    if oldest is not None and oldest.tzinfo is None:  # SQLite's aggregate loses the type
        oldest = datetime.fromisoformat(str(oldest)).replace(tzinfo=timezone.utc)
    age = int((now - oldest).total_seconds()) if oldest else 0
    return {"waiting": count, "failing": failing, "oldest_seconds": max(age, 0)}


def failing(limit: int = 100) -> list[OutboxEvent]:
    stmt = (
        select(OutboxEvent)
        .where(OutboxEvent.processed_at.is_(None), OutboxEvent.attempts > 0)
        .order_by(OutboxEvent.created_at)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def stale(now: datetime, limit: int = 500) -> list[OutboxEvent]:
    """Events nobody has finished within the retry interval: to hand over again."""
    cutoff = now - timedelta(seconds=current_app.config["OUTBOX_RETRY_AFTER_SECONDS"])
    stmt = (
        select(OutboxEvent)
        .where(
            OutboxEvent.processed_at.is_(None),
            OutboxEvent.created_at < cutoff,
            or_(OutboxEvent.last_dispatch_at.is_(None), OutboxEvent.last_dispatch_at < cutoff),
        )
        .order_by(OutboxEvent.created_at)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def publish(event_ids: list[str]) -> bool:
    """Hand events to the workers; stops at the first the broker refuses (the rest are
    safe in the database too, and the sweep will hand them over)."""
    return dispatch_each(PROCESS_EVENT, [(event_id,) for event_id in event_ids])


def _after_commit(session: Session) -> None:
    """After each commit, publish the events that commit made durable."""
    ids = session.info.pop("outbox", None)
    if ids and current_app.config["OUTBOX_AUTODISPATCH"]:
        publish(ids)


def _after_rollback(session: Session) -> None:
    session.info.pop("outbox", None)
