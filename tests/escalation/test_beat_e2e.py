"""The beat schedule, for real: a Celery worker with embedded beat, a real Redis, a
database file. An overdue case is escalated by the periodic pass, with no one calling it."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from avvikelse.accounts.models import Role
from avvikelse.accounts.services import create_user
from avvikelse.cases.enums import Status
from avvikelse.cases.models import Case
from avvikelse.cases.services import file_case
from avvikelse.core.clock import now_utc
from avvikelse.directory.services import organisation_by_code, unit_by_code
from avvikelse.escalation.models import ClockStep, Escalation, Trigger
from avvikelse.extensions import db
from tests.fixtures.factories import PASSWORD, case_input

pytestmark = pytest.mark.integration


def test_beat_runs_the_clock_pass_and_escalates_an_overdue_case(live_stack, smtp_sink, tmp_path):
    live_stack.env["CLOCK_INTERVAL_SECONDS"] = "1"
    live_stack.worker("--beat", "--schedule", str(tmp_path / "beat-schedule"))
    with live_stack.context():
        reporter = create_user("rapportor.beat", organisation_by_code("2309"), set(), PASSWORD,
                               units=[unit_by_code("2309-HSJV")], email="rapportor@krokom.example")
        create_user("intag.beat", organisation_by_code("23"), {Role.HANDLER}, PASSWORD)
        create_user("chef.beat", organisation_by_code("23"), {Role.CHEFSLAKARE}, PASSWORD,
                    email="chefslakare@region.example")
        case = file_case(reporter, case_input(), now_utc())
        db.session.commit()
        case_id = case.id

    def routed():
        return db.session.get(Case, case_id).status is Status.RECEIVED

    live_stack.wait_for(routed, what="the worker to route the case")
    with live_stack.context():
        # Received five weeks ago, as far as its clock knows.
        db.session.get(Case, case_id).due_at = now_utc() - timedelta(days=8)
        db.session.commit()

    def escalated():
        esc = db.session.scalar(select(Escalation).where(Escalation.case_id == case_id))
        return esc is not None and esc.trigger is Trigger.OVERDUE

    live_stack.wait_for(escalated, timeout=45, what="beat to run the clock pass")
    mails = smtp_sink.wait_for(3, timeout=30)  # routing notice + overdue to both
    subjects = {m.envelope_recipients[0]: str(m["Subject"]) for m in mails}
    assert "Svaret är försenat sedan" in subjects["chefslakare@region.example"]
    assert any("eskalerats till chefsläkare" in str(m["Subject"]) for m in mails
               if m.envelope_recipients[0] == "rapportor@krokom.example")
    with live_stack.context():
        # Beat has run the pass many times by now: the step was taken once.
        assert db.session.scalar(select(ClockStep.step).where(ClockStep.case_id == case_id, ClockStep.sent)) == "overdue"
        assert len(db.session.scalars(select(ClockStep).where(ClockStep.case_id == case_id)).all()) == 3
