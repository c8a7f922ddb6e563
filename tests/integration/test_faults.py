"""No lost work: real processes killed and servers stopped under load, on 127.0.0.1.

Each test is bounded in count and time. The outbox makes work durable in the database;
the sweep hands over again what a broker or a dead worker lost; processing is keyed by
event id, so redelivery does not repeat effects.
"""
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from avvikelse.accounts.models import User
from avvikelse.cases.enums import Status
from avvikelse.cases.models import Case, CaseEvent
from avvikelse.cases.services import file_case
from avvikelse.core.clock import now_utc
from avvikelse.core.outbox import OutboxEvent
from avvikelse.extensions import db
from avvikelse.notifications.models import Mail
from tests.fixtures.factories import case_input
from tests.integration.test_routing_e2e import _people

pytestmark = pytest.mark.integration


def _file(reporter, n: int, **overrides) -> list[str]:
    refs = []
    for i in range(n):
        case = file_case(reporter, case_input(description=f"Fall {i}", **overrides), now_utc())
        db.session.commit()
        refs.append(case.reference)
    return refs


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.subquery()))


def _all_routed_once(stack, n: int, timeout: float = 90) -> None:
    stack.wait_for(lambda: _count(select(Case.id).where(Case.status == Status.RECEIVED)) == n
                   and _count(select(OutboxEvent.id).where(OutboxEvent.processed_at.is_(None))) == 0,
                   timeout=timeout, what=f"{n} cases routed and every event processed")
    with stack.context():
        routes = Counter(db.session.scalars(select(CaseEvent.case_id).where(CaseEvent.action == "route")))
        assert len(routes) == n and set(routes.values()) == {1}
        mails = db.session.scalars(select(Mail)).all()
        # One mail per person per event: the intake (new case) and the reporter (received).
        assert len(mails) == 2 * n
        assert all(m.sent_at is not None for m in mails)


def _message_ids(smtp_sink) -> Counter:
    return Counter(m["Message-ID"] for m in smtp_sink.messages)


def test_a_worker_killed_mid_routing_loses_nothing(live_stack, smtp_sink):
    n = 40
    first = live_stack.worker(beat=True)
    with live_stack.context():
        _file(_people()[0], n)
    # Kill it hard while it is working through the queue.
    live_stack.wait_for(lambda: _count(select(Case.id).where(Case.status == Status.RECEIVED)) >= 3,
                        what="the first worker to start routing")
    first.kill()
    with live_stack.context():
        routed_before = _count(select(Case.id).where(Case.status == Status.RECEIVED))
    assert routed_before < n, "the worker finished before it could be killed: raise n"
    live_stack.worker(beat=True)
    _all_routed_once(live_stack, n)
    ids = _message_ids(smtp_sink)
    assert len(smtp_sink.wait_for(2 * n, timeout=30)) >= 2 * n
    assert len(ids) == 2 * n  # every mail arrived ...
    # ... once, except that a kill between SMTP's "250 OK" and the commit may send one
    # again, with the same Message-ID so the receiver can drop it.
    assert sum(ids.values()) - len(ids) <= 1


def test_redis_down_while_500_cases_are_filed(live_stack, smtp_sink, redis_server):
    n = 500
    with live_stack.context():
        reporter_id = _people()[0].id
    redis_server.stop()
    try:
        started = time.monotonic()
        with live_stack.context():
            refs = _file(db.session.get(User, reporter_id), n)  # the user sees no error: the case is in the database
            assert _count(select(Case.id).where(Case.status == Status.SUBMITTED)) == n
        filing_seconds = time.monotonic() - started
    finally:
        redis_server.start()
    print(f"filed {n} cases with Redis down in {filing_seconds:.1f} s")
    live_stack.worker(beat=True)
    _all_routed_once(live_stack, n, timeout=240)
    assert len(set(refs)) == n
    smtp_sink.wait_for(2 * n, timeout=60)
    ids = _message_ids(smtp_sink)
    assert len(ids) == 2 * n and set(ids.values()) == {1}


def test_smtp_down_then_up_every_mail_arrives_once(live_stack, smtp_sink):
    from aiosmtpd.controller import Controller

    from tests.fixtures.servers import _RecordingHandler, free_port

    port = free_port()
    live_stack.env["MAIL_PORT"] = str(port)  # nothing listens there yet
    live_stack.worker(beat=True)
    n = 5
    with live_stack.context():
        _file(_people()[0], n)
    live_stack.wait_for(lambda: _count(select(OutboxEvent.id).where(
        OutboxEvent.kind == "mail.send", OutboxEvent.attempts > 0)) >= 2,
                        what="mails failing while SMTP is down")
    with live_stack.context():
        assert _count(select(Mail.id).where(Mail.sent_at.is_not(None))) == 0
    handler = _RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        live_stack.wait_for(lambda: _count(select(Mail.id).where(Mail.sent_at.is_(None))) == 0,
                            timeout=120, what="every mail sent once SMTP is back")
        ids = Counter(m["Message-ID"] for m in handler.messages)
        assert len(ids) == 2 * n and set(ids.values()) == {1}
    finally:
        controller.stop()
