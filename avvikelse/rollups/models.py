"""A rollup cell and each case's mark of the cell it counts in."""
from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from avvikelse.core.models import UTCDateTime
from avvikelse.extensions import db

#: a cell's dimensions, in order: the columns of both tables below
DIMENSIONS = ("quarter", "sender_organisation_id", "receiver_organisation_id", "agreement_version_id",
              "category", "kind", "event_type", "consequence", "probability", "serious", "status",
              "outcome", "answer")
#: the dimensions the national table counts by (national/counts.py): a case moved in
#: any of them is logged as a change of its old and new quarter (RollupChange)
NATIONAL = ("quarter", "sender_organisation_id", "receiver_organisation_id", "agreement_version_id",
            "category", "event_type", "consequence")


class _Cell:
    """The dimensions; never NULL (a NULL would make two equal cells distinct in a
    unique index): no agreement version is 0, no outcome is ""."""

    quarter: Mapped[str] = mapped_column(String(8))
    sender_organisation_id: Mapped[int] = mapped_column(Integer)
    receiver_organisation_id: Mapped[int] = mapped_column(Integer)
    agreement_version_id: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    event_type: Mapped[str] = mapped_column(String(32))
    consequence: Mapped[int] = mapped_column(Integer)
    probability: Mapped[int] = mapped_column(Integer)
    serious: Mapped[bool] = mapped_column()
    status: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(32))
    #: "unanswered", "in_time" (answered by the due time) or "late"
    answer: Mapped[str] = mapped_column(String(16))


class RollupCount(_Cell, db.Model):
    __tablename__ = "rollup_counts"
    __table_args__ = (Index("ux_rollup_counts_cell", *DIMENSIONS, unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class RollupMark(_Cell, db.Model):
    """The cell a case counts in now (no foreign key: a rollup is rebuilt from cases)."""

    __tablename__ = "rollup_marks"

    case_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class RollupChange(db.Model):
    """A quarter whose national counts moved, logged in the transaction that moved them
    and deleted once the stored national releases have caught up (national/stored.py).
    Appended, never updated: however many cases change at once, none waits for another."""

    __tablename__ = "rollup_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    quarter: Mapped[str] = mapped_column(String(8), index=True)
    #: a release computed after this may include it already (only a note depends on it)
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime)
