"""The case: one report about the other principal, its history, messages and answers."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvikelse.accounts.models import User
from avvikelse.agreements.models import AgreementVersion
from avvikelse.cases.enums import (ANSWER_PENDING, Activity, Complainant, Confirmed, EventType, Kind,
                                   LinkKind, MeasureStatus, Outcome, PatientBasis, Status)
from avvikelse.core.clock import now_utc
from avvikelse.core.models import UTCDateTime
from avvikelse.directory.models import Organisation, Unit
from avvikelse.extensions import db


def _enum(cls, length=32):
    return Enum(cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


#: The statuses awaiting an answer, as SQL for the partial indexes below; queries must
#: repeat exactly this predicate to use them (cases.queries.awaiting_answer).
AWAITING_ANSWER = text("status IN ({})".format(", ".join(f"'{s.value}'" for s in ANSWER_PENDING)))

#: Only complaints have a reply day: the index of the complaint clock leaves the rest out.
#: Any comparison on the column implies it, so every query on the day can use it.
COMPLAINT_REPLY_DUE = text("complaint_reply_due_on IS NOT NULL")


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        # Inbox / outbox pages: keyset paging newest first per organisation.
        Index("ix_cases_receiver_page", "receiver_organisation_id", "reported_at", "id"),
        Index("ix_cases_sender_page", "sender_organisation_id", "reported_at", "id"),
        Index("ix_cases_reporter_page", "reporter_id", "reported_at", "id"),
        # "Mina ärenden": a handler's own cases, newest first.
        Index("ix_cases_owner_page", "owner_id", "reported_at", "id"),
        Index("ix_cases_status_due", "status", "due_at"),
        # The capped status counts beside the inbox/outbox filter.
        Index("ix_cases_receiver_status", "receiver_organisation_id", "status"),
        Index("ix_cases_sender_status", "sender_organisation_id", "status"),
        # The same of a person's own reports (the sent box) and of the cases they own
        # ("Mina ärenden").
        Index("ix_cases_reporter_status", "reporter_id", "status"),
        Index("ix_cases_owner_status", "owner_id", "status"),
        # "Försenade svar" above each list: the open cases awaiting an answer, by due day.
        # Partial, so the most overdue ten are the first ten index entries whatever the
        # box's size (two statuses in one ordered scan are otherwise a sort of the box).
        Index("ix_cases_receiver_awaiting", "receiver_organisation_id", "due_at", "id",
              sqlite_where=AWAITING_ANSWER, postgresql_where=AWAITING_ANSWER),
        Index("ix_cases_sender_awaiting", "sender_organisation_id", "due_at", "id",
              sqlite_where=AWAITING_ANSWER, postgresql_where=AWAITING_ANSWER),
        Index("ix_cases_reporter_awaiting", "reporter_id", "due_at", "id",
              sqlite_where=AWAITING_ANSWER, postgresql_where=AWAITING_ANSWER),
        Index("ix_cases_owner_awaiting", "owner_id", "due_at", "id",
              sqlite_where=AWAITING_ANSWER, postgresql_where=AWAITING_ANSWER),
        # The clock pass's complaints without a reply on their PSL day: the open ones only,
        # whatever the number of complaints answered over the years (escalation/clocks.py).
        Index("ix_cases_complaint_reply", "status", "complaint_reply_due_on",
              sqlite_where=COMPLAINT_REPLY_DUE, postgresql_where=COMPLAINT_REPLY_DUE),
        # The retention pass: ended, not yet de-identified (or disposed of), ended before a day.
        Index("ix_cases_retention", "deidentified_at", "ended_at"),
        Index("ix_cases_disposal", "text_disposed_at", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: human id AV-YYYY-NNNNNN, never reused
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[Kind] = mapped_column(_enum(Kind))
    event_type: Mapped[EventType] = mapped_column(_enum(EventType))
    status: Mapped[Status] = mapped_column(_enum(Status))
    #: where awaiting_info returns to when the sender replies
    resume_status: Mapped[Status | None] = mapped_column(_enum(Status))

    sender_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    sender_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    receiver_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: None means the receiving organisation's intake handles it
    receiver_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    #: the receiving side's handler who is on it: who acknowledged it, or whom its
    #: handlers chose (action assign); None until then, and after a redirect
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    discovered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the receiver's answer is due; set on routing, and again when a dispute asks for a
    #: second answer
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when the answer clock now running started (routing, or the dispute): the clock's
    #: steps are taken once per start
    clock_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: since when the case waits for the sender's information (the sender is reminded)
    awaiting_info_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when the case ended (closed, with any outcome, or withdrawn): retention counts from it
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: how a closed case ended
    outcome: Mapped[Outcome | None] = mapped_column(_enum(Outcome))

    category: Mapped[str] = mapped_column(String(32), index=True)
    #: which activity of the receiver it concerns: decides MAS/chefsläkare or SAS
    activity: Mapped[Activity] = mapped_column(_enum(Activity), default=Activity.HEALTH_CARE)
    #: the agreement's version in force when the case was filed: its category label and
    #: clause, and its settings, are the case's (None: no agreement applied)
    agreement_version_id: Mapped[int | None] = mapped_column(ForeignKey("agreement_versions.id"))
    reporter_role: Mapped[str | None] = mapped_column(String(100))
    location_type: Mapped[str | None] = mapped_column(String(100))
    care_phase: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    immediate_action: Mapped[str] = mapped_column(Text)
    proposal: Mapped[str | None] = mapped_column(Text)

    consequence: Mapped[int] = mapped_column(Integer)
    probability: Mapped[int] = mapped_column(Integer)
    #: consequence × probability, stored so the forum can group on it
    risk: Mapped[int] = mapped_column(Integer)
    #: what the reporter ticked
    reporter_serious: Mapped[bool] = mapped_column(default=False)
    #: derived: the reporter's flag or the thresholds at filing time
    serious: Mapped[bool] = mapped_column(default=False)
    #: the sender used its one dispute round
    disputed_once: Mapped[bool] = mapped_column(default=False)

    #: Fernet token of the canonical personnummer, or of a reservnummer
    patient_id_encrypted: Mapped[str | None] = mapped_column(Text)
    #: HMAC blind index, for look-ups without decrypting
    patient_blind_index: Mapped[str | None] = mapped_column(String(64), index=True)
    #: a free-text reservnummer that could not be validated
    patient_id_unvalidated: Mapped[bool] = mapped_column(default=False)
    #: The receiver sees the identity only while the sender shares it: on a legal basis
    #: (a code of `legal_bases`), with the one organisation the sender chose (a redirect
    #: to another receiver does not carry it over), and never for a protected patient.
    patient_shared_basis: Mapped[str | None] = mapped_column(String(32))
    patient_shared_with_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    #: the sender's words on the basis: which provision, how consent was given
    patient_shared_note: Mapped[str | None] = mapped_column(Text)
    patient_shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: skyddade personuppgifter: the identity is never shared; everyone on the case is warned
    patient_protected: Mapped[bool] = mapped_column(default=False)

    # A complaint (klagomål eller synpunkt) passed on, §8.1: who raised it, how to reach
    # them (personal data: encrypted, shown and removed like the patient's identity), when
    # the concerned principal acknowledged it and when the complainant got a reply (PSL
    # 3:8), against the complaint's own clock.
    complainant: Mapped[Complainant | None] = mapped_column(_enum(Complainant))
    complainant_contact_encrypted: Mapped[str | None] = mapped_column(Text)
    complaint_acknowledged_on: Mapped[date | None]
    complainant_replied_on: Mapped[date | None]
    complaint_reply_due_on: Mapped[date | None]
    #: when retention removed the patient identifier (and the complainant's details)
    deidentified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when the free text was disposed of under the county's disposal decision
    text_disposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the form's one-time key: a form posted twice (double click, retry) files one case
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: a merged duplicate: the case it went into, which carries on (cases/links.py)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)

    sender_organisation: Mapped[Organisation] = relationship(foreign_keys=[sender_organisation_id])
    sender_unit: Mapped[Unit] = relationship(foreign_keys=[sender_unit_id])
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id])
    receiver_organisation: Mapped[Organisation] = relationship(foreign_keys=[receiver_organisation_id])
    receiver_unit: Mapped[Unit | None] = relationship(foreign_keys=[receiver_unit_id])
    patient_shared_with: Mapped[Organisation | None] = relationship(foreign_keys=[patient_shared_with_id])
    agreement_version: Mapped[AgreementVersion | None] = relationship()
    merged_into: Mapped["Case | None"] = relationship(remote_side=[id], foreign_keys=[merged_into_id])
    history: Mapped[list["CaseEvent"]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all"
    )
    messages: Mapped[list["Message"]] = relationship(
        back_populates="case", order_by="Message.id", cascade="all"
    )
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="case", order_by="Answer.id", cascade="all"
    )
    direct_contacts: Mapped[list["DirectContact"]] = relationship(
        back_populates="case", order_by="DirectContact.id", cascade="all"
    )

    @property
    def free_text_removed(self) -> bool:
        """What people wrote was disposed of (retention/services.py)."""
        return self.text_disposed_at is not None

    @property
    def answer(self) -> "Answer | None":
        return self.answers[-1] if self.answers else None

    def __repr__(self) -> str:
        return f"<Case {self.reference} {self.status}>"


class CaseEvent(db.Model):
    """One row per transition: who, when, from, to, why. Never updated."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: None when the system acted (routing)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[Status | None] = mapped_column(_enum(Status))
    to_status: Mapped[Status] = mapped_column(_enum(Status))
    note: Mapped[str | None] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()


class Message(db.Model):
    __tablename__ = "case_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    body: Mapped[str] = mapped_column(Text)

    case: Mapped[Case] = relationship(back_populates="messages")
    author: Mapped[User] = relationship()


class Answer(db.Model):
    """The receiver's answer; a disputed case gets a second one."""

    __tablename__ = "case_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed: Mapped[Confirmed] = mapped_column(_enum(Confirmed))
    analysis: Mapped[str] = mapped_column(Text)
    #: Patientsäkerhetslagen 3 kap. 8 §; required when harm was at least moderate
    patient_informed: Mapped[bool | None]

    case: Mapped[Case] = relationship(back_populates="answers")
    author: Mapped[User] = relationship()
    measures: Mapped[list["Measure"]] = relationship(order_by="Measure.id", cascade="all")


class Measure(db.Model):
    """A measure with an owner and a due date (Patientsäkerhetslagen 3 kap. 2 §), followed to
    the end: its status, and whether it had the effect meant.

    It comes from an answer (`answer_id`), from a joint investigation (`investigation_id`,
    avvikelse/learning), or is added to a case on its own. `case_id` is always set: the
    case it concerns (an investigation's measure: the investigation's first case), which
    its clause and its notices go by. Changes are written by avvikelse/learning/changes.py.
    """

    __tablename__ = "case_measures"
    __table_args__ = (
        # The reminder pass and the organisation's page: open measures by due day.
        Index("ix_case_measures_owner_status_due", "owner_organisation_id", "status", "due_on"),
        Index("ix_case_measures_status_due", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("case_answers.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    #: a measure decided in an investigation (learning.models.Investigation)
    investigation_id: Mapped[int | None] = mapped_column(ForeignKey("investigations.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    #: the person or role responsible, as text ("Enhetschef hemsjukvården")
    owner: Mapped[str] = mapped_column(String(200))
    owner_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: optionally an account that gets the reminders
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    due_on: Mapped[date]
    status: Mapped[MeasureStatus] = mapped_column(_enum(MeasureStatus, 16), default=MeasureStatus.PLANNED)
    #: the latest status's note; for not_done the reason, which is required
    status_note: Mapped[str | None] = mapped_column(Text)
    #: the day it was carried out (status done)
    done_on: Mapped[date | None]
    #: when to check that it had the effect meant, and what the check found
    effect_due_on: Mapped[date | None]
    effect_checked_on: Mapped[date | None]
    effect: Mapped[str | None] = mapped_column(Text)
    #: the patient was informed of the measures (Patientsäkerhetslagen 3 kap. 8 §), on this day
    patient_informed_on: Mapped[date | None]
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped["Case"] = relationship(foreign_keys=[case_id])
    owner_organisation: Mapped[Organisation] = relationship()
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class CaseLink(db.Model):
    """Two cases linked by a handler: one row per pair (the lower id first, except a
    follow-up, which points from the case that follows up to the one it follows)."""

    __tablename__ = "case_links"
    __table_args__ = (
        UniqueConstraint("case_id", "other_case_id", name="uq_case_links_pair"),
        CheckConstraint("case_id <> other_case_id", name="not_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    other_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[LinkKind] = mapped_column(_enum(LinkKind, 16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    case: Mapped[Case] = relationship(foreign_keys=[case_id])
    other_case: Mapped[Case] = relationship(foreign_keys=[other_case_id])
    created_by: Mapped[User | None] = relationship()


class DirectContact(db.Model):
    """§8.1: in a serious case direct contact is taken with chefsläkare/MAS (SAS): whether,
    when and with whom, as the one who called recorded it."""

    __tablename__ = "case_direct_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    #: whom they spoke with, as told ("MAS i Krokom, tjänstgörande")
    with_whom: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship(back_populates="direct_contacts")
    recorded_by: Mapped[User] = relationship()


class ReferenceCounter(db.Model):
    """The last reference number per year; the row lock serialises concurrent filings."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class LegalBasis(db.Model):
    """A legal basis on which a sender may share a patient's identity with the receiver:
    the patient's consent, or a named secrecy-breaking provision. Kept as data, so a
    county adds a provision without a release (cases/legal_bases.py seeds the defaults)."""

    __tablename__ = "legal_bases"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[PatientBasis] = mapped_column(_enum(PatientBasis))
    #: Swedish, as shown in the list and the history
    label: Mapped[str] = mapped_column(String(300))
    #: the sender must say more (which provision, how consent was given)
    note_required: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)
