"""End to end: a filed case reaches a real Celery worker through a real Redis, is routed,
and the receiving handlers are mailed through a real SMTP server: once each."""
import pytest
from sqlalchemy import func, select

from avvikelse.accounts.models import Role
from avvikelse.accounts.services import create_user
from avvikelse.cases.enums import Status
from avvikelse.cases.models import Case
from avvikelse.cases.services import file_case
from avvikelse.core.clock import now_utc
from avvikelse.core.outbox import OutboxEvent
from avvikelse.directory.services import organisation_by_code, unit_by_code
from avvikelse.extensions import db
from tests.fixtures.factories import PASSWORD, TEST_PNR, case_input

pytestmark = pytest.mark.integration


def _people():
    krokom, region = organisation_by_code("2309"), organisation_by_code("23")
    reporter = create_user("rapportor.e2e", krokom, set(), PASSWORD,
                           units=[unit_by_code("2309-HSJV")], email="rapportor@krokom.example")
    intake = create_user("intag.e2e", region, {Role.HANDLER}, PASSWORD,
                         email="intag@region.example")
    geriatrics = create_user("ger.e2e", region, {Role.HANDLER}, PASSWORD,
                             units=[unit_by_code("23-OSD-GER")], email="ger@region.example")
    db.session.commit()
    return reporter, intake, geriatrics


def test_worker_routes_a_filed_case_and_mails_the_intake_once(live_stack, smtp_sink):
    live_stack.worker()
    with live_stack.context():
        reporter, _, _ = _people()
        case = file_case(reporter, case_input(patient_id="191212121212",
                                              description="Hemligt: Tolvan missade insulin."),
                         now_utc())
        db.session.commit()  # the outbox hands the routing event to Redis after this commit
        reference = case.reference

    def routed():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        return case.status is Status.RECEIVED

    live_stack.wait_for(routed, what="the worker to route the case")
    mails = smtp_sink.wait_for(2, timeout=30)
    by_to = {m.envelope_recipients[0]: m for m in mails}
    # The intake is asked to take the case; the reporter hears it was received.
    assert sorted(by_to) == ["intag@region.example", "rapportor@krokom.example"]
    mail = by_to["intag@region.example"]
    assert reference in mail["Subject"]
    body = mail.get_content()
    assert "Nytt ärende att ta emot" in mail["Subject"]
    assert f"http://avvikelse.test/arenden/{reference}" in body
    # Never the patient or the event in a mail.
    for m in mails:
        for secret in ("Tolvan", "insulin", TEST_PNR, "191212121212", "121212"):
            assert secret not in m.get_content() and secret not in m["Subject"]

    with live_stack.context():
        case = db.session.scalar(select(Case).where(Case.reference == reference))
        assert case.due_at is not None and case.received_at is not None
        assert [e.action for e in case.history] == ["file", "route"]
        live_stack.wait_for(lambda: db.session.scalar(
            select(func.count()).select_from(OutboxEvent).where(OutboxEvent.processed_at.is_(None))
        ) == 0, what="every event processed")
    # Nothing more arrives: each person was mailed once.
    assert len(smtp_sink.messages) == 2


def test_case_for_a_unit_reaches_that_units_handlers(live_stack, smtp_sink):
    live_stack.worker()
    with live_stack.context():
        reporter, _, _ = _people()
        file_case(reporter, case_input(receiver_unit="23-OSD-GER"), now_utc())
        db.session.commit()
    mails = smtp_sink.wait_for(2, timeout=30)
    assert sorted(m.envelope_recipients[0] for m in mails) == [
        "ger@region.example", "rapportor@krokom.example"]


def test_a_case_filed_while_no_worker_runs_is_routed_when_one_starts(live_stack, smtp_sink):
    with live_stack.context():
        reporter, _, _ = _people()
        case = file_case(reporter, case_input(), now_utc())
        db.session.commit()
        reference = case.reference
        assert case.status is Status.SUBMITTED
    live_stack.worker()
    live_stack.wait_for(lambda: db.session.scalar(
        select(Case.status).where(Case.reference == reference)) is Status.RECEIVED,
        what="routing after the worker started")
    assert len(smtp_sink.wait_for(2, timeout=30)) == 2
