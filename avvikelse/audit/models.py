"""The access log (Patientdatalagen 4 kap.): every read, print, export and change of a
case, and every denied try. Reviews of log rows are kept beside it, never in it."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvikelse.core.models import UTCDateTime
from avvikelse.extensions import db

#: what a row records; "search" is a patient search in the log itself (it reveals who
#: read about that patient, so it is accountable too); "share" and "unshare" are the
#: sender sharing the patient's identity with the receiver and withdrawing it,
#: "disclose" the receiving organisation's first sight of it after a share; "download" an
#: attachment of the case fetched
ACTIONS = ("read", "print", "export", "change", "denied", "search", "share", "unshare", "disclose",
           "download")


class AccessLog(db.Model):
    """Append-only. Carries the patient's blind index, never the personnummer."""

    __tablename__ = "access_log"
    __table_args__ = (Index("ix_access_log_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: copied at the time of access: the account may change or lose it later
    hsa_id: Mapped[str | None] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    #: one of ACTIONS
    action: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    #: what was asked for, when no case matched (a guessed reference), cut short
    target: Mapped[str | None] = mapped_column(String(64))
    patient_blind_index: Mapped[str | None] = mapped_column(String(64), index=True)
    #: api or web
    channel: Mapped[str] = mapped_column(String(8), default="web")
    #: an integration's access: who approved the role that opened the case to it
    #: (accounts/grants.py); null for people
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the absent person the user read or acted for as their deputy (accounts/absence.py):
    #: the access came from standing in, not from the user's own role
    deputy_for_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: a read through a joint investigation (avvikelse/learning): its participants read the
    #: cases it covers, not as one of the case's sides, and the log says which one
    via_investigation_id: Mapped[int | None] = mapped_column(ForeignKey("investigations.id"))

    user = relationship("User", viewonly=True, foreign_keys=[user_id])
    approved_by = relationship("User", viewonly=True, foreign_keys=[approved_by_id])
    deputy_for = relationship("User", viewonly=True, foreign_keys=[deputy_for_id])
    organisation = relationship("Organisation", viewonly=True)
    unit = relationship("Unit", viewonly=True)
    #: not view-only: a row may be written in the same flush as a new case
    case = relationship("Case")


class AccessReview(db.Model):
    """A log row looked at in a review ("loggkontroll"), with the reviewer's note."""

    __tablename__ = "access_log_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    access_log_id: Mapped[int] = mapped_column(ForeignKey("access_log.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, default="")

    reviewer = relationship("User", viewonly=True)
