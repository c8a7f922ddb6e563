"""Routing's mail through a real SMTP server on 127.0.0.1 (the aiosmtpd sink)."""
import pytest
from sqlalchemy import select

from avvikelse.core import outbox
from avvikelse.notifications.models import Mail
from avvikelse.extensions import db
from tests.fixtures.factories import TEST_PNR

pytestmark = pytest.mark.integration


@pytest.fixture
def smtp_config(app, smtp):
    app.config.update(MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port)
    yield smtp
    app.config.update(MAIL_SERVER=None, MAIL_PORT=25)


def test_routing_mails_the_intake_a_link_and_the_reference_only(new_case, people, smtp_config):
    case = new_case(patient_id="191212121212", description="Tolvan föll i badrummet.")
    mails = smtp_config.wait_for(2)
    by_to = {m.envelope_recipients[0]: m for m in mails}
    assert set(by_to) == {people["receiver_handler"].email, people["reporter"].email}
    handler_mail = by_to[people["receiver_handler"].email]
    assert handler_mail["Subject"] == f"{case.reference}: Nytt ärende att ta emot"
    body = handler_mail.get_content()
    assert f"http://avvikelse.test/arenden/{case.reference}" in body
    for mail in mails:
        text = mail.as_string()
        for secret in ("Tolvan", "badrummet", TEST_PNR, "191212121212"):
            assert secret not in text


def test_a_unit_handler_is_mailed_instead_of_the_intake(new_case, people, smtp_config):
    new_case(receiver_unit="23-OSD-GER")
    recipients = {m.envelope_recipients[0] for m in smtp_config.wait_for(2)}
    assert recipients == {people["unit_handler"].email, people["reporter"].email}


def test_a_mail_is_sent_once_however_often_its_event_runs(new_case, people, smtp_config):
    new_case()
    smtp_config.wait_for(2)
    for mail in db.session.scalars(select(Mail)):
        outbox.process(next(iter(
            e.id for e in db.session.scalars(select(outbox.OutboxEvent).where(
                outbox.OutboxEvent.kind == "mail.send")) if e.payload["mail_id"] == mail.id)))
        assert mail.sent_at is not None and mail.attempts == 1
    db.session.commit()
    assert len(smtp_config.messages) == 2


def test_smtp_down_keeps_the_mail_for_a_retry(new_case, people, app, smtp):
    from tests.fixtures.servers import free_port

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=1)
    try:
        new_case()
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25, MAIL_TIMEOUT=10)
    pending = db.session.scalars(select(Mail).where(Mail.sent_at.is_(None))).all()
    assert len(pending) == 2
    app.config.update(MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port)
    try:
        outbox.drain()
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    assert len(smtp.wait_for(2)) == 2
