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
    #: a handler escalated the case by hand, with a reason
    MANUAL = "manual"
    #: the sender's overseer opened one for their own side: their activity contributed
    OWN_ACTIVITY = "own_activity"

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


class Step(enum.StrEnum):
    """Where a decision stands: under investigation, reported to IVO, or concluded."""

    INVESTIGATING = "investigating"
    REPORTED = "reported"
    CONCLUDED = "concluded"

    @property
    def label(self) -> str:
        return str(LABELS[self])


#: decisions that are reports to IVO about one's own activity
REPORTS = (Decision.LEX_MARIA, Decision.LEX_SARAH)


LABELS = {
    Trigger.SERIOUS: _l("Allvarlig avvikelse"),
    Trigger.OVERDUE: _l("Svaret är försenat"),
    Trigger.MANUAL: _l("Eskalerad av handläggare"),
    Trigger.OWN_ACTIVITY: _l("Egen verksamhet bidrog"),
    Decision.INVESTIGATION: _l("Intern utredning (händelseanalys)"),
    Decision.LEX_MARIA: _l("Lex Maria"),
    Decision.LEX_SARAH: _l("Lex Sarah"),
    Decision.NONE: _l("Ingen anmälan eller utredning"),
    Step.INVESTIGATING: _l("utreds"),
    Step.REPORTED: _l("anmäld till IVO"),
    Step.CONCLUDED: _l("avslutad"),
}


class Escalation(db.Model):
    """One per case, role and organisation: every holder of the role there sees it.

    Its decision is a process of steps (EscalationStep); the columns decision …
    decided_by repeat the latest step, and `concluded_at` is set by the step that
    concludes it (a concluded step, a decision of no action, or a redirect of the case)."""

    __tablename__ = "escalations"
    __table_args__ = (
        UniqueConstraint("case_id", "role", "organisation_id"),
        # The inbox: an organisation's open escalations, oldest first.
        Index("ix_escalations_inbox", "organisation_id", "concluded_at", "opened_at"),
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
    #: the latest step's; None while the escalation is open
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: set once, when the decision-maker was reminded that a Lex Maria / Lex Sarah
    #: investigation is still not reported to IVO
    report_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    organisation: Mapped[Organisation] = relationship()
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    steps: Mapped[list["EscalationStep"]] = relationship(
        back_populates="escalation", order_by="EscalationStep.id", cascade="all")

    @property
    def is_open(self) -> bool:
        return self.concluded_at is None

    @property
    def step(self) -> "Step | None":
        latest = self.latest_step
        return latest.step if latest else None

    @property
    def latest_step(self) -> "EscalationStep | None":
        current = [s for s in self.steps if s.corrected_by is None]
        return current[-1] if current else None

    @property
    def role_label(self) -> str:
        name = ROLE_NAMES[self.role]
        return name[:1].upper() + name[1:]

    def __repr__(self) -> str:
        return f"<Escalation {self.id} case={self.case_id} {self.role} {self.trigger}>"


class EscalationStep(db.Model):
    """One step of a decision: who, when, why. Never changed: a wrong step is corrected by
    a new one that names it (`corrects_id`), with a reason, and both stay."""

    __tablename__ = "escalation_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), index=True)
    decision: Mapped[Decision] = mapped_column(_enum(Decision))
    step: Mapped[Step] = mapped_column(_enum(Step))
    #: the day the report was made to IVO
    reported_on: Mapped[date | None]
    #: IVO's diarienummer, added when it arrives
    ivo_reference: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: None: the system (a redirect ended the escalation)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("escalation_steps.id"))

    escalation: Mapped[Escalation] = relationship(back_populates="steps")
    by: Mapped[User | None] = relationship()
    corrects: Mapped["EscalationStep | None"] = relationship(
        remote_side=[id], foreign_keys=[corrects_id], back_populates="corrected_by")
    corrected_by: Mapped["EscalationStep | None"] = relationship(
        foreign_keys=[corrects_id], back_populates="corrects", uselist=False)


class EscalationFallback(db.Model):
    """The person an organisation names for a role it has nobody in (a kommun without a
    SAS): an escalation to that role reaches them, never nobody."""

    __tablename__ = "escalation_fallbacks"
    __table_args__ = (UniqueConstraint("organisation_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    role: Mapped[Role] = mapped_column(_enum(Role))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    user: Mapped[User] = relationship()


class ClockStep(db.Model):
    """A reminder or escalation step the clock took for a case: the exactly-once ledger.

    The unique key decides which of two concurrent passes does a step: the one whose
    insert wins. `started_at` is the start of the clock the step belongs to: the answer
    clock starts at routing (again for a redirected case, received anew) and at a dispute
    (the second answer); the sender's information clock when the receiver asked; the
    complaint's reply clock at filing.
    """

    __tablename__ = "clock_steps"
    __table_args__ = (
        UniqueConstraint("case_id", "started_at", "step"),
        Index("ix_clock_steps_rank", "case_id", "started_at", "rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: reminder_before | reminder_due | overdue (the answer clock, ranked); info_reminder,
    #: complaint_reply, auto_close (rank 0)
    step: Mapped[str] = mapped_column(String(32))
    #: the step's order; a case never goes back to a lower one
    rank: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the due time the step was taken against, for the message
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: False: passed over by a late pass in favour of a later step, never sent
    sent: Mapped[bool] = mapped_column(default=True)
