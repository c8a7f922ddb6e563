"""Telling people: in the app, and by a mail that carries a link and the reference only.

Notifications sit below cases: a case is known here by its id and reference only."""
import logging

from flask import current_app
from sqlalchemy import select

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


def tell(event_id: str, case, users: list[User], text: str, subject: str | None = None,
         link: str | None = None) -> None:
    """One notice per person, and a mail to those with an address. Idempotent per event
    (`event_id` is the handler's key: a retried event tells nobody twice).

    `text` is our own Swedish wording, never what a user typed; it is the mail's subject
    unless it names something from the directory (an organisation), in which case the
    caller gives a fixed `subject` without it: no user-entered text in a mail header.
    `link`, a path of ours, is where the notice and the mail lead instead of the case
    (an investigation's or a measure's page, which its people may see when the case
    itself is not theirs).
    """
    already = set(db.session.scalars(select(Notice.user_id).where(Notice.event_id == event_id)))
    now = now_utc()
    for user in {u.id: u for u in users}.values():
        if user.id in already or not user.active:
            continue
        db.session.add(Notice(event_id=event_id, user_id=user.id, case_id=case.id, created_at=now, text=text,
                              link=link))
        if user.email:
            _queue_mail(event_id, case, user, text, subject or text, now, link)
    db.session.flush()


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
