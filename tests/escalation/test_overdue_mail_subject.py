"""The overdue notice names the receiving organisation; its mail's subject does not.

An organisation's name is directory data an administrator typed or imported: it may be
in the notice and the mail's body, never in a header.
"""
from sqlalchemy import select

from avvikelse.directory.services import organisation_by_code
from avvikelse.extensions import db
from avvikelse.notifications.delivery import build_message
from avvikelse.notifications.models import Mail
from tests.escalation.conftest import local, told

NAME = "Region <b>Jämtland</b> {{ 7*7 }}\r\nBcc: x@example.org"


def test_overdue_mail_to_the_reporter(clock, tick, new_case, people):
    organisation_by_code("23").name = NAME
    db.session.commit()
    clock.set(local(2026, 3, 2, 9, 0))
    case = new_case()
    tick(local(2026, 4, 6, 9, 15))  # 7 days overdue

    reporter = people["reporter"]
    assert told(reporter)[-1].endswith(f"till chefsläkare i {NAME}")  # the notice names it
    mail = db.session.scalars(select(Mail).where(Mail.user_id == reporter.id).order_by(Mail.id.desc())).first()
    assert mail.subject == f"{case.reference}: Svaret är försenat; ärendet har eskalerats till chefsläkare"
    message = build_message(mail)
    assert message.get_all("Bcc") is None and "Jämtland" not in str(message["Subject"])
    body = message.get_content()
    assert "Region <b>Jämtland</b> {{ 7*7 }} Bcc: x@example.org." in body  # one line, as typed
    assert not any(line.startswith("Bcc:") for line in body.splitlines())
