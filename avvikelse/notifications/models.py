"""What people are told: in-app notices and e-mails, one per event and person."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
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


class Mail(db.Model):
    """An e-mail to send; `sent_at` set once it left, so a retry never sends it twice."""

    __tablename__ = "mails"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
