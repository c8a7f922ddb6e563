"""Telling people: in the app, and by a mail that carries a link and the reference only.

Notifications sit below cases: a case is known here by its id and reference only."""
import logging

from flask import current_app
from sqlalchemy import select

from avvikelse.accounts import absence
from avvikelse.accounts.models import User
from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from avvikelse.core.email_address import is_plain_address
from avvikelse.extensions import db
from avvikelse.notifications.delivery import deliver
from avvikelse.notifications.mailtext import header_text, render_text
from avvikelse.notifications.models import Mail, Notice

log = logging.getLogger(__name__)


def case_url(case, link: str | None = None) -> str:
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}{link or f'/arenden/{case.reference}'}"


#: Notice.text's column
NOTICE_MAX = 300


def tell(event_id: str, case, users: list[User], text: str, subject: str | None = None,
         link: str | None = None) -> list[User]:
    """One notice per person, and a mail to those with an address. Idempotent per event
    (`event_id` is the handler's key: a retried event tells nobody twice).

    `text` is our own Swedish wording, never what a user typed; it is the mail's subject
    unless it names something from the directory (an organisation), in which case the
    caller gives a fixed `subject` without it: no user-entered text in a mail header.

    Someone absent (accounts/absence.py) keeps the notice for their return but is not
    mailed: their deputy is told at once, notice and mail, naming whom they stand in for
    (in the text, never the subject). Returns who was told now, deputies included.

    `link`, a path of ours, is where the notice and the mail lead instead of the case
    (an investigation's or a measure's page, which its people may see when the case
    itself is not theirs).
    """
    already = set(db.session.scalars(select(Notice.user_id).where(Notice.event_id == event_id)))
    now = now_utc()
    direct = [u for u in {u.id: u for u in users}.values() if u.active]
    plan: dict[int, tuple[User, str, bool]] = {u.id: (u, text, True) for u in direct}
    for user in direct:
        deputy = absence.deputy_of(user)
        if deputy is None:
            continue
        plan[user.id] = (user, text, False)  # away: the notice waits, no mail
        if deputy.id not in plan:
            stand_in = f"{text} (som ersättare för {user.full_name or user.username})"
            plan[deputy.id] = (deputy, stand_in[:NOTICE_MAX], True)
    told = []
    for person, words, mail in plan.values():
        if person.id in already:
            continue
        db.session.add(Notice(event_id=event_id, user_id=person.id, case_id=case.id,
                              created_at=now, text=words[:NOTICE_MAX], link=link))
        if mail and person.email:
            _queue_mail(event_id, case, person, words, subject or text, now, link)
        if mail:
            told.append(person)
    db.session.flush()
    return told


def tell_mailbox(event_id: str, case, address: str, text: str) -> bool:
    """A mail to a unit's or an intake's functional mailbox (routing/services.py): once
    per event, with the link and the reference only, like every mail. False when it was
    queued already or the address is not a plain one."""
    if not is_plain_address(address):
        log.warning("mail not queued: case %s's functional mailbox is not a plain address", case.id)
        return False
    exists = db.session.scalar(select(Mail.id).where(Mail.event_id == event_id,
                                                     Mail.user_id.is_(None)))
    if exists is not None:
        return False
    body = render_text("email/case_notice.txt", user=None, case=case, text=text, url=case_url(case),
                       about_case=True)
    mail = Mail(event_id=event_id, user_id=None, to_address=address, created_at=now_utc(),
                subject=header_text(f"{case.reference}: {text}"), body=body)
    db.session.add(mail)
    db.session.flush()
    outbox.emit("mail.send", mail_id=mail.id)
    return True


def _queue_mail(event_id: str, case, user: User, text: str, subject: str, now, link: str | None = None) -> None:
    if not is_plain_address(user.email):
        # Accounts are refused such addresses; one stored earlier is not mailed to.
        log.warning("mail not queued: user %s has no plain e-mail address", user.id)
        return
    body = render_text("email/case_notice.txt", user=user, case=case, text=text, url=case_url(case, link),
                       about_case=link is None)
    mail = Mail(
        event_id=event_id, user_id=user.id, to_address=user.email, created_at=now,
        subject=header_text(f"{case.reference}: {subject}" if link is None else subject), body=body,
    )
    db.session.add(mail)
    db.session.flush()
    outbox.emit("mail.send", mail_id=mail.id)


def send_mail(payload: dict, key: str) -> None:
    """The outbox's `mail.send`: one mail, once (`sent_at`), whatever the retries."""
    mail = db.session.get(Mail, payload["mail_id"])
    if mail is None or mail.sent_at is not None:
        return
    mail.attempts += 1
    deliver(mail)
    mail.sent_at = now_utc()


def unread(user: User, limit: int = 20) -> list[Notice]:
    stmt = (
        select(Notice)
        .where(Notice.user_id == user.id, Notice.read_at.is_(None))
        .order_by(Notice.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def mark_read(user: User, case) -> None:
    stmt = select(Notice).where(Notice.user_id == user.id, Notice.case_id == case.id, Notice.read_at.is_(None))
    for notice in db.session.scalars(stmt):
        notice.read_at = now_utc()
