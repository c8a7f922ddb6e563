"""Joint investigations, the history of measures, learning summaries and the learning
clock's ledger. The measure itself is `cases.models.Measure` (an answer's measures have
always been rows of the case)."""
from datetime import date, datetime

from sqlalchemy import Column, Enum, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvikelse.accounts.models import User
from avvikelse.agreements.models import AgreementClause
from avvikelse.cases.enums import MeasureStatus
from avvikelse.cases.models import Case, Measure
from avvikelse.core.models import UTCDateTime
from avvikelse.directory.models import Organisation
from avvikelse.extensions import db
from avvikelse.learning.enums import FactorArea, InvestigationStatus, SummaryStatus


def _enum(cls, length=16):
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


investigation_cases = Table(
    "investigation_cases",
    db.metadata,
    Column("investigation_id", ForeignKey("investigations.id"), primary_key=True),
    Column("case_id", ForeignKey("cases.id"), primary_key=True, index=True),
)


class Investigation(db.Model):
    """A händelseanalys over one or more cases, led by an overseer of one organisation;
    joint when the other side's overseers name participants too."""

    __tablename__ = "investigations"
    __table_args__ = (Index("ix_investigations_status_due", "status", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: short, optional ("Läkemedelslistan vid utskrivning"); no personnummer
    title: Mapped[str] = mapped_column(String(200), default="")
    lead_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: the MAS, SAS or chefsläkare who leads it and approves the final report
    lead_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    joint: Mapped[bool] = mapped_column(default=False)
    status: Mapped[InvestigationStatus] = mapped_column(_enum(InvestigationStatus),
                                                        default=InvestigationStatus.DRAFT)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the deadline (INVESTIGATION_DUE_WEEKS after opening): reminded, then escalated
    due_on: Mapped[date]
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: approved or closed
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_reason: Mapped[str | None] = mapped_column(Text)
    conclusion: Mapped[str | None] = mapped_column(Text)
    #: the escalation decision step ("investigation started") that opened it: once per step
    escalation_step_id: Mapped[int | None] = mapped_column(ForeignKey("escalation_steps.id"), unique=True)
    #: when retention disposed of its free text (with its cases' text)
    text_disposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    lead_organisation: Mapped[Organisation] = relationship()
    lead: Mapped[User] = relationship(foreign_keys=[lead_id])
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    cases: Mapped[list[Case]] = relationship(secondary=investigation_cases, order_by=Case.id)
    participants: Mapped[list["Participant"]] = relationship(
        back_populates="investigation", order_by="Participant.id", cascade="all")
    timeline: Mapped[list["TimelineEntry"]] = relationship(
        order_by=lambda: [TimelineEntry.happened_at, TimelineEntry.id], cascade="all, delete-orphan")
    factors: Mapped[list["ContributingFactor"]] = relationship(
        order_by="ContributingFactor.id", cascade="all, delete-orphan")
    root_causes: Mapped[list["RootCause"]] = relationship(order_by="RootCause.id", cascade="all, delete-orphan")
    measures: Mapped[list[Measure]] = relationship(
        primaryjoin="Measure.investigation_id == Investigation.id", foreign_keys=[Measure.investigation_id],
        order_by=Measure.id, viewonly=True)
    history: Mapped[list["InvestigationEvent"]] = relationship(
        order_by="InvestigationEvent.id", cascade="all")

    @property
    def running(self) -> bool:
        return self.status in (InvestigationStatus.DRAFT, InvestigationStatus.REVIEW)

    @property
    def name(self) -> str:
        return self.title or f"Utredning {self.id}"

    def __repr__(self) -> str:
        return f"<Investigation {self.id} {self.status}>"


class Participant(db.Model):
    """Someone named by an overseer of their own organisation to take part."""

    __tablename__ = "investigation_participants"
    __table_args__ = (UniqueConstraint("investigation_id", "user_id", name="uq_investigation_participants_user"),
                      Index("ix_investigation_participants_user", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    investigation_id: Mapped[int] = mapped_column(ForeignKey("investigations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the participant's organisation when named (the access follows it)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    investigation: Mapped[Investigation] = relationship(back_populates="participants")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation] = relationship()
    added_by: Mapped[User | None] = relationship(foreign_keys=[added_by_id])


class TimelineEntry(db.Model):
    __tablename__ = "investigation_timeline"

    id: Mapped[int] = mapped_column(primary_key=True)
    investigation_id: Mapped[int] = mapped_column(ForeignKey("investigations.id"), index=True)
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[User | None] = relationship()


class ContributingFactor(db.Model):
    """A contributing factor in one area, tied to the agreement clause it touches (of the
    agreement version a covered case was filed under)."""

    __tablename__ = "investigation_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    investigation_id: Mapped[int] = mapped_column(ForeignKey("investigations.id"), index=True)
    area: Mapped[FactorArea] = mapped_column(_enum(FactorArea, 32))
    clause_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_clauses.id"))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)

    clause: Mapped[AgreementClause | None] = relationship()
    author: Mapped[User | None] = relationship()


class RootCause(db.Model):
    __tablename__ = "investigation_root_causes"

    id: Mapped[int] = mapped_column(primary_key=True)
    investigation_id: Mapped[int] = mapped_column(ForeignKey("investigations.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[User | None] = relationship()


class InvestigationEvent(db.Model):
    """One row per change of an investigation: who, when, what. Never updated."""

    __tablename__ = "investigation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    investigation_id: Mapped[int] = mapped_column(ForeignKey("investigations.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: None when the system acted (the deadline clock)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[User | None] = relationship()


class MeasureEvent(db.Model):
    """One row per change of a measure. Never updated."""

    __tablename__ = "measure_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    measure_id: Mapped[int] = mapped_column(ForeignKey("case_measures.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[MeasureStatus | None] = mapped_column(_enum(MeasureStatus))
    to_status: Mapped[MeasureStatus] = mapped_column(_enum(MeasureStatus))
    note: Mapped[str | None] = mapped_column(Text)

    measure: Mapped[Measure] = relationship()
    actor: Mapped[User | None] = relationship()


summary_cases = Table(
    "learning_summary_cases",
    db.metadata,
    Column("summary_id", ForeignKey("learning_summaries.id"), primary_key=True),
    Column("case_id", ForeignKey("cases.id"), primary_key=True, index=True),
)


class LearningSummary(db.Model):
    """A "lärande exempel": a short text, checked for personnummer, that the overseers of
    every organisation party to its cases approve before anyone else sees it."""

    __tablename__ = "learning_summaries"
    __table_args__ = (Index("ix_learning_summaries_status_published", "status", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[SummaryStatus] = mapped_column(_enum(SummaryStatus), default=SummaryStatus.PENDING)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    investigation_id: Mapped[int | None] = mapped_column(ForeignKey("investigations.id"), index=True)
    #: when the last side approved it
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    created_by: Mapped[User | None] = relationship()
    investigation: Mapped[Investigation | None] = relationship()
    cases: Mapped[list[Case]] = relationship(secondary=summary_cases, order_by=Case.id)
    approvals: Mapped[list["SummaryApproval"]] = relationship(
        order_by="SummaryApproval.id", cascade="all")


class SummaryApproval(db.Model):
    """One side's approval of a summary, by one of its overseers."""

    __tablename__ = "learning_summary_approvals"
    __table_args__ = (UniqueConstraint("summary_id", "organisation_id", name="uq_learning_summary_approvals_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    summary_id: Mapped[int] = mapped_column(ForeignKey("learning_summaries.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship()


class LearningClockStep(db.Model):
    """A reminder or escalation the learning clock took: the exactly-once ledger (as the
    answer clock's `clock_steps`). Keyed by the due day it was taken against, so a due
    day that moves starts its steps afresh."""

    __tablename__ = "learning_clock_steps"
    __table_args__ = (UniqueConstraint("subject", "subject_id", "due_on", "step",
                                       name="uq_learning_clock_steps_key"),
                      Index("ix_learning_clock_steps_rank", "subject", "subject_id", "due_on", "rank"))

    id: Mapped[int] = mapped_column(primary_key=True)
    #: investigation | measure
    subject: Mapped[str] = mapped_column(String(16))
    subject_id: Mapped[int]
    due_on: Mapped[date]
    #: reminder_before | reminder_due | overdue
    step: Mapped[str] = mapped_column(String(32))
    rank: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: False: passed over by a late pass in favour of a later step, never sent
    sent: Mapped[bool] = mapped_column(default=True)
