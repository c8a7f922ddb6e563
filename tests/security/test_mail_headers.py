"""Mails: user text stays in the body, on one line, unevaluated; headers are ours only.

Values are planted straight in the database (as an IdP or an old import could have left
them), so these tests check the mail layer itself, not only the input checks before it.
"""
import email.policy
from email.parser import BytesParser

import pytest
from sqlalchemy import select

from avvikelse.accounts.models import User
from avvikelse.accounts.services import create_user
from avvikelse.core.errors import ValidationFailed
from avvikelse.directory.services import organisation_by_code, unit_by_code
from avvikelse.extensions import db
from avvikelse.notifications.delivery import build_message
from avvikelse.notifications.models import Mail
from avvikelse.notifications.services import tell

INJECTION = "\r\nBcc: x@example.org"
HOSTILE = "<script>alert(1)</script> {{ 7*7 }} {% raw %} =cmd|' /C calc'!A0" + INJECTION

BAD_ADDRESSES = [
    "anna@kommun.example" + INJECTION,
    "anna@kommun.example\nBcc: x@example.org",
    "anna@kommun.example, x@example.org",
    "anna@kommun.example;x@example.org",
    "Anna <anna@kommun.example>",
    "anna@kommun.example\x00",
    "anna @kommun.example",
    "anna",
    "a" * 250 + "@kommun.example",
]


def _parsed(mail: Mail):
    return BytesParser(policy=email.policy.default).parsebytes(bytes(build_message(mail)))


def _assert_clean(message, reference: str) -> None:
    assert message.get_all("Bcc") is None and message.get_all("Cc") is None
    assert set(message.keys()) == {"From", "To", "Subject", "Message-ID", "Content-Type",
                                   "Content-Transfer-Encoding", "MIME-Version"}
    assert message["Subject"].startswith(f"{reference}: ")
    for header in ("Subject", "To", "From"):
        value = str(message[header])
        assert "x@example.org" not in value and "script" not in value and "{{" not in value
    assert message.get_content_type() == "text/plain" and not message.is_multipart()
    body = message.get_content()
    assert not any(line.lower().startswith("bcc:") for line in body.splitlines())
    assert "49" not in body  # {{ 7*7 }} is text, never evaluated


@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_accounts_refuse_an_address_that_is_not_one_plain_address(address):
    with pytest.raises(ValidationFailed) as refused:
        create_user("ny.anvandare", organisation_by_code("2309"), set(), None, email=address)
    assert "email" in refused.value.errors
    assert db.session.scalar(select(User).where(User.username == "ny.anvandare")) is None


@pytest.mark.parametrize("address", BAD_ADDRESSES[:3])
def test_the_admin_cli_refuses_it_too(app, address):
    result = app.test_cli_runner().invoke(args=[
        "users", "add", "ny.anvandare", "--org", "2309", "--email", address])
    assert result.exit_code != 0 and "e-postadress" in result.output
    assert db.session.scalar(select(User).where(User.username == "ny.anvandare")) is None


def test_a_name_typed_over_several_lines_is_stored_on_one(app):
    user = create_user("ny.anvandare", organisation_by_code("2309"), set(), None,
                       email="ny@kommun.example", full_name="Anna" + INJECTION)
    assert user.full_name == "Anna Bcc: x@example.org"


def test_hostile_names_reach_the_body_on_one_line_and_never_a_header(new_case, people):
    reporter, handler = people["reporter"], people["receiver_handler"]
    handler.full_name = HOSTILE
    organisation_by_code("23").name = HOSTILE
    unit_by_code("2309-HSJV").name = HOSTILE
    db.session.commit()
    case = new_case(description=HOSTILE)
    tell("test-event", case, [handler, reporter], "Nytt meddelande i ärendet")
    db.session.commit()

    mails = db.session.scalars(select(Mail).where(Mail.event_id == "test-event")).all()
    assert {m.to_address for m in mails} == {handler.email, reporter.email}
    to_handler = next(m for m in mails if m.user_id == handler.id)
    message = _parsed(to_handler)
    _assert_clean(message, case.reference)
    assert message["Subject"] == f"{case.reference}: Nytt meddelande i ärendet"
    assert str(message["To"]) == handler.email
    body = message.get_content()
    greeting = next(line for line in body.splitlines() if line.startswith("Hej "))
    # Literally as typed, CR/LF flattened to spaces: no markup escaping in text/plain.
    assert greeting == "Hej <script>alert(1)</script> {{ 7*7 }} {% raw %} =cmd|' /C calc'!A0 Bcc: x@example.org!"


def test_a_stored_mail_with_a_bad_subject_or_address_cannot_inject(people):
    """Rows written before these checks: flattened, or refused outright."""
    mail = Mail(id=1, event_id="e", user_id=people["reporter"].id, to_address="a@kommun.example",
                subject="AV-2026-000001: Hej" + INJECTION, body="Text")
    message = _parsed(mail)
    assert message.get_all("Bcc") is None and "\n" not in str(message["Subject"])
    mail.to_address = "a@kommun.example" + INJECTION
    with pytest.raises(ValueError):
        build_message(mail)


def test_no_mail_is_queued_for_a_stored_address_with_a_header_in_it(new_case, people):
    handler = people["receiver_handler"]
    handler.email = "handlaggare@region.example" + INJECTION
    db.session.commit()
    case = new_case()
    tell("test-event", case, [handler], "Nytt meddelande i ärendet")
    assert db.session.scalars(select(Mail).where(Mail.event_id == "test-event")).all() == []


@pytest.mark.integration
def test_through_a_real_smtp_server(app, smtp, new_case, people):
    """The real path: routing's mails, delivered over SMTP to the aiosmtpd sink."""
    handler = people["receiver_handler"]
    handler.full_name = HOSTILE
    organisation_by_code("2309").name = HOSTILE
    db.session.commit()
    app.config.update(MAIL_SERVER=smtp.host, MAIL_PORT=smtp.port)
    try:
        case = new_case(description=HOSTILE)
        received = smtp.wait_for(2)
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    assert sorted(r for m in received for r in m.envelope_recipients) == sorted(
        [handler.email, people["reporter"].email])
    for message in received:
        _assert_clean(message, case.reference)
    to_handler = next(m for m in received if m.envelope_recipients == [handler.email])
    assert "Hej <script>alert(1)</script> {{ 7*7 }}" in to_handler.get_content()
