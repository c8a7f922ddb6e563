"""Two clock passes at once, each in its own thread with its own session and
connection, on a database file (SQLite) and on PostgreSQL: every step exactly once, and
every answered case left without reaction closed once."""
from datetime import timedelta

from sqlalchemy import func, select

from avvikelse import create_app
from avvikelse.accounts.models import Role
from avvikelse.accounts.services import create_user
from avvikelse.cases.enums import Outcome, Status
from avvikelse.cases.models import Case, CaseEvent
from avvikelse.cases.services import file_case
from avvikelse.core import outbox
from avvikelse.core.outbox import OutboxEvent
from avvikelse.directory.services import organisation_by_code, unit_by_code
from avvikelse.escalation.clocks import run_pass
from avvikelse.escalation.models import ClockStep, Escalation
from avvikelse.extensions import db
from tests.escalation.conftest import local
from tests.fixtures.factories import PASSWORD, case_input
from tests.fixtures.races import at_once

RECEIVED = local(2026, 3, 2, 9, 0)
CASES = 48  # a multiple of 12: four due windows × every third serious
PASSES_PER_THREAD = 3


def _seed(clock):
    """CASES cases received on RECEIVED, a third of them serious; their clocks moved so
    that each step is due for some of them at `local(2026, 4, 1, 12, 0)`."""
    from avvikelse.directory.seed import seed_jamtland

    seed_jamtland()
    reporter = create_user("rapportor", organisation_by_code("2309"), set(), PASSWORD,
                           units=[unit_by_code("2309-HSJV")])
    create_user("intag", organisation_by_code("23"), {Role.HANDLER}, PASSWORD)
    create_user("chef", organisation_by_code("23"), {Role.CHEFSLAKARE}, PASSWORD)
    create_user("mas", organisation_by_code("2309"), {Role.MAS}, PASSWORD)
    clock.set(RECEIVED)
    for i in range(CASES):
        file_case(reporter, case_input(serious=i % 3 == 0), RECEIVED)
    db.session.commit()
    outbox.drain()
    # Spread the due times: overdue, due today, due within the week; the last quarter
    # was answered weeks ago and the sender never reacted.
    for i, case in enumerate(db.session.scalars(select(Case).order_by(Case.id))):
        case.due_at = local(2026, 4, 1, 12, 0) + timedelta(days=[-10, 0, 3, 20][i % 4])
        if i % 4 == 3:
            case.status, case.answered_at = Status.ANSWERED, RECEIVED + timedelta(days=1)
    # Escalations opened long enough ago to be re-notified.
    for esc in db.session.scalars(select(Escalation)):
        esc.ack_due_at = RECEIVED + timedelta(days=1)
    db.session.commit()


def _race(app, now):
    at_once(app, lambda: [run_pass(now) for _ in range(PASSES_PER_THREAD)])


def _counts():
    steps = dict(db.session.execute(
        select(ClockStep.step, func.count()).where(ClockStep.sent).group_by(ClockStep.step)).all())
    events = dict(db.session.execute(
        select(OutboxEvent.kind, func.count())
        .where(OutboxEvent.kind.in_(["clock.step", "escalation.renotify"]))
        .group_by(OutboxEvent.kind)).all())
    renotified = db.session.scalar(select(func.count()).select_from(Escalation).where(
        Escalation.renotified_at.is_not(None)))
    closed = (
        db.session.scalar(select(func.count()).select_from(Case).where(
            Case.status == Status.CLOSED, Case.outcome == Outcome.CLOSED_WITHOUT_REACTION,
            Case.closed_at.is_not(None), Case.ended_at.is_not(None))),
        db.session.scalar(select(func.count()).select_from(CaseEvent).where(
            CaseEvent.action == "close_without_reaction", CaseEvent.from_status == Status.ANSWERED,
            CaseEvent.to_status == Status.CLOSED, CaseEvent.actor_id.is_(None))),
        db.session.scalar(select(func.count()).select_from(OutboxEvent).where(
            OutboxEvent.kind == "case.close_without_reaction")),
    )
    return steps, events, renotified, closed


def _check(app, clock):
    with app.app_context():
        db.create_all()
        try:
            _seed(clock)
            now = clock.set(local(2026, 4, 1, 12, 0))
            _race(app, now)
            steps, events, renotified, closed = _counts()
            serious, window = CASES // 3, CASES // 4
            # A quarter of the cases per due window: 10 days overdue, due today, due in 3
            # days; the last quarter is 20 days away. Serious ones escalate to both sides.
            assert steps == {"overdue": window, "reminder_due": window, "reminder_before": window}
            assert events == {"clock.step": 3 * window, "escalation.renotify": 2 * serious}
            assert renotified == 2 * serious
            assert closed == (window, window, window)  # each case, its history row, its event
            outbox.drain()
            # Overdue opens one more per case, unless the case was serious (already open).
            total = db.session.scalar(select(func.count()).select_from(Escalation))
            assert total == 2 * serious + window - CASES // 12
        finally:
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def test_concurrent_passes_on_a_sqlite_file(tmp_path, clock, app):
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'clock.db'}")
    _check(other, clock)
    app.extensions["celery"].set_default()


def test_concurrent_passes_on_postgresql(postgres_server, clock, app):
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=postgres_server.fresh_database("clock_race"))
    _check(other, clock)
    app.extensions["celery"].set_default()
