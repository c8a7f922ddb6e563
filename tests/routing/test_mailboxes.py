"""Functional mailboxes: when none of the receiving handlers has an e-mail address, the
routing mail goes to the unit's mailbox, else the intake's; once per event, with the
link and the reference only."""
from sqlalchemy import select

from avvikelse.core import outbox
from avvikelse.directory.services import organisation_by_code, unit_by_code
from avvikelse.extensions import db
from avvikelse.notifications.delivery import build_message
from avvikelse.notifications.models import Mail
from tests.fixtures.factories import TEST_PNR

INTAKE = "avvikelser@regionjh.example.org"
GERIATRICS = "geriatrik@regionjh.example.org"


def to_mailboxes() -> list[Mail]:
    return list(db.session.scalars(select(Mail).where(Mail.user_id.is_(None)).order_by(Mail.id)))


def _no_addresses(*users):
    for user in users:
        user.email = None
    db.session.commit()


def _mailboxes():
    organisation_by_code("23").mailbox = INTAKE
    unit_by_code("23-OSD-GER").mailbox = GERIATRICS
    db.session.commit()


def test_the_intake_mailbox_gets_the_routing_mail_when_no_handler_has_an_address(new_case, people):
    _mailboxes()
    _no_addresses(people["receiver_handler"])
    case = new_case(patient_id="191212121212", description="Tolvan föll i badrummet.")
    (mail,) = to_mailboxes()
    assert (mail.to_address, mail.subject) == (INTAKE, f"{case.reference}: Nytt ärende att ta emot")
    message = build_message(mail).as_string()
    assert f"/arenden/{case.reference}" in message
    for secret in ("Tolvan", "badrummet", TEST_PNR, "191212121212"):
        assert secret not in message
    outbox.drain()
    assert len(to_mailboxes()) == 1  # once per event


def test_the_units_mailbox_before_the_intakes(new_case, people):
    _mailboxes()
    _no_addresses(people["unit_handler"])
    new_case(receiver_unit="23-OSD-GER")
    assert [m.to_address for m in to_mailboxes()] == [GERIATRICS]


def test_a_unit_without_a_mailbox_falls_back_to_the_intakes(new_case, people):
    _mailboxes()
    new_case(receiver_unit="23-OSD-MED")  # no handler there: the intake's handlers are told
    assert to_mailboxes() == []  # and the intake's handler has an address
    _no_addresses(people["receiver_handler"])
    new_case(receiver_unit="23-OSD-MED")
    assert [m.to_address for m in to_mailboxes()] == [INTAKE]


def test_no_mailbox_mail_when_a_handler_has_an_address(new_case, people):
    _mailboxes()
    new_case()
    assert to_mailboxes() == []


def test_forwarding_to_a_unit_mails_its_mailbox(new_case, people, act):
    _mailboxes()
    _no_addresses(people["unit_handler"])
    case = new_case()
    act(people["receiver_handler"], case, "forward", unit="23-OSD-GER")
    assert [(m.to_address, m.subject) for m in to_mailboxes()] == [
        (GERIATRICS, f"{case.reference}: Ärende vidarebefordrat till er enhet")]


def test_other_changes_do_not_mail_the_mailbox(new_case, people, act):
    _mailboxes()
    _no_addresses(people["receiver_handler"])
    case = new_case()
    act(people["reporter"], case, "withdraw", note="Fel patient.")
    assert len(to_mailboxes()) == 1  # the routing mail only
