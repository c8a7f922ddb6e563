"""What people are told: in-app notices and e-mails, one per event and person."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvikelse.core.models import UTCDateTime
from avvikelse.extensions import db


class Notice(db.Model):
    __tablename__ = "notices"
    # The unique key makes a redelivered event unable to tell anyone twice.
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_notices_user_unread", "user_id", "read_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Swedish, no patient data (it may be mailed as well)
    text: Mapped[str] = mapped_column(String(300))
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: where the notice leads when not to its case (an investigation, a measure): a path
    link: Mapped[str | None] = mapped_column(String(200))

    case = relationship("Case")


#: a mail to a functional mailbox has no person: one per event (the partial index below)
TO_MAILBOX = text("user_id IS NULL")


class Mail(db.Model):
    """An e-mail to send; `sent_at` set once it left, so a retry never sends it twice."""

    __tablename__ = "mails"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_mails_event_mailbox", "event_id", unique=True,
              sqlite_where=TO_MAILBOX, postgresql_where=TO_MAILBOX),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36))
    #: None: to a unit's or an intake's functional mailbox (routing/services.py)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
