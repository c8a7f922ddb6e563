"""Events waiting when the event spine arrived are rewritten, not lost (c5a8e2f41d03).

The migration's data step runs on today's schema (it reads and writes only columns that
both have), so the test stays valid whatever later migrations add."""
import importlib.util
import uuid
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.operations import Operations
from flask_migrate import upgrade
from sqlalchemy import select

from avvikelse import create_app
from avvikelse.accounts.models import Role
from avvikelse.accounts.services import create_user
from avvikelse.cases.models import CaseEvent, Message
from avvikelse.cases.services import file_case
from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from avvikelse.core.outbox import OutboxEvent
from avvikelse.directory.seed import seed_jamtland
from avvikelse.directory.services import organisation_by_code, unit_by_code
from avvikelse.escalation.models import Escalation
from avvikelse.extensions import db
from tests.fixtures.factories import case_input


def _legacy(kind: str, **payload) -> str:
    event_id = str(uuid.uuid4())
    db.session.add(OutboxEvent(id=event_id, kind=kind, payload=payload, created_at=now_utc()))
    return event_id


def _run_data_migration() -> None:
    path = next(Path(__file__).parents[1].glob("migrations/versions/c5a8e2f41d03_*.py"))
    spec = importlib.util.spec_from_file_location("event_spine_kinds", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with db.engine.begin() as conn:
        context = MigrationContext.configure(conn)
        with Operations.context(context):
            module.upgrade()


def test_waiting_legacy_events_take_the_new_kinds_and_run(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.db'}",
                     MAIL_FOLDER=str(tmp_path / "mail"))
    with app.app_context():
        upgrade()
        seed_jamtland()
        reporter = create_user("r", organisation_by_code("2309"), set(), "losenord-123456",
                               units=[unit_by_code("2309-HSJV")], email="r@example.org")
        create_user("h", organisation_by_code("23"), {Role.HANDLER}, "losenord-123456",
                    email="h@example.org")
        create_user("cl", organisation_by_code("23"), {Role.CHEFSLAKARE}, "losenord-123456",
                    email="cl@example.org")
        case = file_case(reporter, case_input(consequence=4, probability=2), now_utc())
        alone = file_case(reporter, case_input(consequence=4, probability=2), now_utc())
        db.session.commit()
        # What the old code left waiting: the route's "status changed", "routed", a message.
        outbox.drain()
        db.session.execute(OutboxEvent.__table__.delete())
        route = db.session.scalar(select(CaseEvent).where(CaseEvent.action == "route"))
        db.session.execute(Escalation.__table__.delete())
        msg = Message(case=case, author=reporter, at=now_utc(), body="Hej")
        db.session.add(msg)
        db.session.flush()
        changed = _legacy("case.status_changed", case_id=case.id, case_event_id=route.id)
        routed = _legacy("case.routed", case_id=case.id, at=now_utc().isoformat())
        message = _legacy("case.message", case_id=case.id, message_id=msg.id)
        # A routed case whose "status changed" was already done: its "routed" alone waits.
        routed_alone = _legacy("case.routed", case_id=alone.id, at=now_utc().isoformat())
        db.session.commit()

        _run_data_migration()

        db.session.expire_all()
        by_id = {e.id: e for e in db.session.scalars(select(OutboxEvent))}
        assert by_id[changed].kind == "case.route"
        assert by_id[changed].payload["reference"] == case.reference
        assert by_id[routed].processed_at is not None  # its route's own event does its work
        assert by_id[routed_alone].kind == "case.route" and by_id[routed_alone].processed_at is None
        assert by_id[message].kind == "case.message"
        assert by_id[message].payload == {"reference": case.reference, "message_id": msg.id}
        outbox.drain()
        assert db.session.scalar(select(OutboxEvent).where(OutboxEvent.processed_at.is_(None))) is None
        # The serious case reached the chefsläkare through the rewritten route event.
        escalated = set(db.session.scalars(select(Escalation.case_id)))
        assert escalated == {case.id, alone.id}
        db.engine.dispose()
