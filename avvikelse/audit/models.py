"""The access log (Patientdatalagen 4 kap.): every read of a case and every denied try."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from avvikelse.core.models import UTCDateTime
from avvikelse.extensions import db


class AccessLog(db.Model):
    """Append-only. Carries the patient's blind index, never the personnummer."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    #: read, change, denied
    action: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    #: what was asked for, when no case matched (a guessed reference), cut short
    target: Mapped[str | None] = mapped_column(String(64))
    patient_blind_index: Mapped[str | None] = mapped_column(String(64), index=True)
    #: api or web
    channel: Mapped[str] = mapped_column(String(8), default="web")
