"""Escalations to chefsläkare and MAS, and the ledger of clock steps taken."""
import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvikelse.accounts.models import ROLE_NAMES, Role, User
from avvikelse.cases.models import Case
from avvikelse.core.models import UTCDateTime
from avvikelse.directory.models import Organisation
from avvikelse.extensions import db


def _enum(cls, length=16):
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class Trigger(enum.StrEnum):
    SERIOUS = "serious"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return str(LABELS[self])


class Decision(enum.StrEnum):
    INVESTIGATION = "investigation"
    LEX_MARIA = "lex_maria"
    LEX_SARAH = "lex_sarah"
    NONE = "none"

    @property
    def label(self) -> str:
        return str(LABELS[self])


LABELS = {
    Trigger.SERIOUS: _l("Allvarlig avvikelse"),
    Trigger.OVERDUE: _l("Svaret är försenat"),
    Decision.INVESTIGATION: _l("Intern utredning (händelseanalys) påbörjad"),
    Decision.LEX_MARIA: _l("Lex Maria-anmälan gjord till IVO"),
    Decision.LEX_SARAH: _l("Lex Sarah-anmälan gjord"),
    Decision.NONE: _l("Ingen anmälan eller utredning"),
}

class Escalation(db.Model):
    """One per case, role and organisation: every holder of the role there sees it."""

    __tablename__ = "escalations"
    __table_args__ = (
        UniqueConstraint("case_id", "role", "organisation_id"),
        # The inbox: an organisation's undecided escalations, oldest first.
        Index("ix_escalations_inbox", "organisation_id", "decided_at", "opened_at"),
        # The clock pass: unacknowledged, not yet re-notified, past the deadline.
        Index("ix_escalations_ack_due", "acknowledged_at", "renotified_at", "ack_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    trigger: Mapped[Trigger] = mapped_column(_enum(Trigger))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: opened_at plus the acknowledgement time in working days
    ack_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: set once, when the holders and deputies were told again
    renotified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[Decision | None] = mapped_column(_enum(Decision))
    #: the day the Lex Maria / Lex Sarah report was made
    reported_on: Mapped[date | None]
    #: IVO:s diarienummer
    ivo_reference: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship()
    organisation: Mapped[Organisation] = relationship()
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def is_open(self) -> bool:
        return self.decision is None

    @property
    def role_label(self) -> str:
        name = ROLE_NAMES[self.role]
        return name[:1].upper() + name[1:]

    def __repr__(self) -> str:
        return f"<Escalation {self.id} case={self.case_id} {self.role} {self.trigger}>"


class ClockStep(db.Model):
    """A reminder or escalation step the clock took for a case: the exactly-once ledger.

    The unique key decides which of two concurrent passes does a step: the one whose
    insert wins. `received_at` is part of the key because a redirected case is received
    anew, by another organisation, and its clock starts over.
    """

    __tablename__ = "clock_steps"
    __table_args__ = (
        UniqueConstraint("case_id", "received_at", "step"),
        Index("ix_clock_steps_rank", "case_id", "received_at", "rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: reminder_before | reminder_due | overdue
    step: Mapped[str] = mapped_column(String(32))
    #: the step's order; a case never goes back to a lower one
    rank: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the due time the step was taken against, for the message
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: False: passed over by a late pass in favour of a later step, never sent
    sent: Mapped[bool] = mapped_column(default=True)
