"""Filing a case and moving it through its lifecycle.

Services check everything first and write after, then flush; the request or task
commits. Each change goes through `changes.record_change`, which writes its history
row, access-log row and outbox event in the same transaction as the change itself.
"""
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app

from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import MANYTOONE, ONETOMANY, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from avvikelse.accounts.models import User
from avvikelse.audit.services import log_access
from avvikelse.cases import owners, patient
from avvikelse.cases.changes import record_change, record_first_status
from avvikelse.cases.enums import OPEN_STATUSES, Activity, Confirmed, Kind, MeasureStatus, Outcome, Status
from avvikelse.cases.inputs import ActionInput, CaseInput
from avvikelse.cases.models import Answer, Case, DirectContact, Measure, Message
from avvikelse.cases.policy import can_read, can_view, sides
from avvikelse.cases.references import next_reference
from avvikelse.cases.risk import is_serious, risk_score
from avvikelse import agreements
from avvikelse.cases.rules import action_refusal, check_action, check_filing, refuse_unless
from avvikelse.cases.transitions import TRANSITIONS, Action
from avvikelse.core import outbox
from avvikelse.core.errors import NotFound, ValidationFailed
from avvikelse.core import workdays
from avvikelse.core.workdays import due_moment
from avvikelse.extensions import db


def file_case(reporter: User, data: CaseInput, now: datetime) -> Case:
    """File a case: one INSERT writes it, then its history row and its routing event
    follow in the same transaction. A submission key used before makes that INSERT fail
    (IntegrityError): see file_once."""
    parties = check_filing(reporter, data, now)
    case = new_case(reporter, data, now, receiver=parties.receiver, receiver_unit=parties.receiver_unit,
                    sender_unit=parties.sender_unit, rules=parties.rules)
    case.submission_key = data.submission_key
    patient.attach_complainant(case, data)
    patient.attach(case, data, now)
    case.status = Status.SUBMITTED
    _insert(case)  # a used submission key fails here, before anything else is written
    # The reporter is not told of their own act: routing is what follows a filing.
    record_first_status(case, "file", reporter, now, event="case.submitted")
    return case


#: Called with (connection, case) for a case written by a plain INSERT, past the session's
#: flush and so past its listeners: the full-text index registers here
#: (search.index.install), as it listens to flushes for everything else.
TEXT_WRITTEN: list[Callable[[Connection, Case], None]] = []


def _insert(case: Case) -> None:
    """Write a new case as one INSERT … RETURNING id and attach it to the session as if
    loaded: the ORM's unit of work for it (dependency sort, cascades, the flush's
    events) cost more than the statement. Every column is written from the object (its
    relationships' keys; a column left unset takes its default), so the object needs no
    reload. No row of another table can refer to a row just written, so its collections
    (history, messages, answers, direct contacts) are set as loaded and empty: reading
    them asks nothing (record_first_status puts the history row it writes in)."""
    table = Case.__table__
    state = case.__dict__
    values = {}
    for column in table.columns:
        if column.primary_key:
            continue
        value = state.get(column.key)
        if value is None and column.default is not None:
            if not column.default.is_scalar:
                continue  # a callable default (reported_at's): the INSERT fires it
            value = column.default.arg
        values[column.key] = value
    for relation in _MANY_TO_ONE:
        related = state.get(relation.key)
        if related is not None:
            for local, remote in relation.local_remote_pairs:
                values[local.key] = getattr(related, remote.key)
    connection = db.session.connection()
    case.id = connection.execute(table.insert().returning(table.c.id), values).scalar_one()
    for key, value in values.items():
        setattr(case, key, value)
    make_transient_to_detached(case)
    db.session.add(case)
    for relation in _ONE_TO_MANY:
        set_committed_value(case, relation.key, [])
    for written in TEXT_WRITTEN:
        written(connection, case)


_MANY_TO_ONE = [r for r in Case.__mapper__.relationships if r.direction is MANYTOONE]
_ONE_TO_MANY = [r for r in Case.__mapper__.relationships if r.direction is ONETOMANY]


def new_case(reporter: User, data: CaseInput, reported_at: datetime, *, receiver, receiver_unit,
             sender_unit, rules: agreements.Rules | None = None) -> Case:
    """A case from checked input, without a status yet: the one place input becomes
    columns, for filing and for importing historical cases alike. The case keeps the
    agreement version in force on its reported day (`rules`, when the caller has them)."""
    if rules is None:
        rules = agreements.rules_at(reported_at, reporter.organisation, receiver)
    return Case(
        reference=next_reference(reported_at.year),
        kind=data.kind, event_type=data.event_type,
        sender_organisation=reporter.organisation, sender_unit=sender_unit, reporter=reporter,
        receiver_organisation=receiver, receiver_unit=receiver_unit,
        occurred_at=data.occurred_at, discovered_at=data.discovered_at, reported_at=reported_at,
        category=data.category, description=data.description,
        immediate_action=data.immediate_action, proposal=data.proposal or None,
        reporter_role=data.reporter_role or None, location_type=data.location_type or None,
        care_phase=data.care_phase or None,
        consequence=data.consequence, probability=data.probability,
        risk=risk_score(data.consequence, data.probability),
        reporter_serious=data.serious,
        serious=is_serious(data.serious, data.consequence, data.probability, rules),
        # the object as well as its key: reading the case's agreement asks nothing
        agreement_version_id=rules.version_id, agreement_version=rules.version,
        activity=data.activity or Activity.HEALTH_CARE,
        complainant=data.complainant or None,
        complaint_reply_due_on=(workdays.local_date(reported_at)
                                + timedelta(days=current_app.config["COMPLAINT_REPLY_DAYS"])
                                if data.kind == Kind.COMPLAINT else None),
    )


def file_once(reporter: User, data: CaseInput, now: datetime) -> tuple[Case, bool]:
    """File the case, or, when the reporter's submission key already filed one (a double
    click, a retry, two posts at once), return that case and False. The unique key
    decides, not a look beforehand: that would cost every filing a query and still let
    two posts at once through. Rolls the session back when the key was taken."""
    try:
        return file_case(reporter, data, now), True
    except IntegrityError:
        db.session.rollback()
        earlier = submitted_with(reporter, data.submission_key) if data.submission_key else None
        if earlier is None:  # someone else's key, or another constraint
            if data.submission_key:
                raise ValidationFailed({"submission_key": [
                    "Nyckeln är redan använd för ett annat ärende. Skicka igen med en ny nyckel."]}) from None
            raise
        return earlier, False


def submitted_with(reporter: User, key: str) -> Case | None:
    return db.session.scalar(
        select(Case).where(Case.submission_key == key, Case.reporter_id == reporter.id)
    )


def perform(user: User | None, case: Case, action: Action, data: ActionInput, now: datetime) -> Case:
    transition = TRANSITIONS[action]
    check_action(user, case, transition, data)
    target = _APPLY[action](user, case, data, now) or transition.target
    record_change(case, action.value, user, now, status=target, note=data.note or None,
                  access=_ACCESS.get(action, "change"))
    db.session.flush()
    return case


def _ask(user, case, data, now):
    case.resume_status = case.status
    case.awaiting_info_since = now
    _message(user, case, data.note, now)


def _reply(user, case, data, now):
    target, case.resume_status = case.resume_status, None
    _message(user, case, data.note, now)
    _resume_clock(case, now)
    return target


def _resume_clock(case, now):
    """The answer clock stood still while the case waited for the sender: the due time
    moves on by the time it waited (onto a working day, as any due day)."""
    asked, case.awaiting_info_since = case.awaiting_info_since, None
    if case.due_at is not None and asked is not None:
        case.due_at = due_moment(case.due_at + (now - asked), 0)


def _acknowledge(user, case, data, now):
    """Whoever acknowledges a case nobody owns yet is on it (a system is not)."""
    if case.owner is None and owners.may_own(user, case):
        case.owner = user
        data.note = _with_note(f"Ansvarig: {owners.name(user)}.", data.note)


def _assign(user, case, data, now):
    before, case.owner = case.owner, data.resolved_owner
    change = (f"Ansvarig: {owners.name(case.owner)}." if before is None else
              f"Ansvarig ändrad från {owners.name(before)} till {owners.name(case.owner)}.")
    data.note = _with_note(change, data.note)


def _with_note(what: str, note: str | None) -> str:
    return f"{what} {note}" if note else what


def _forward(user, case, data, now):
    case.receiver_unit = data.resolved_unit
    case.receiver_unit_id = data.resolved_unit.id  # the policy reads the id before a flush
    if case.owner is not None and not owners.may_own(case.owner, case):
        data.note = _with_note(f"{owners.name(case.owner)} arbetar inte med den enheten: "
                               "ärendet saknar nu ansvarig.", data.note)
        case.owner = None


def _redirect(user, case, data, now):
    case.receiver_organisation = data.resolved_organisation
    case.receiver_unit = None
    case.owner = None  # nobody of the new receiver is on it yet
    case.received_at = case.due_at = None
    # The sender chose whom to share the patient with; the new receiver is not that one.
    patient.unshare(case)


def _share_identity(user, case, data, now):
    patient.share(case, data.basis, data.note, now)
    data.note = patient.basis_label(case) + (f": {data.note}" if data.note else "")


def _unshare_identity(user, case, data, now):
    patient.unshare(case)


def _protect_identity(user, case, data, now):
    patient.protect(case)


def _answer(user, case, data, now):
    # The answer's measures are the receiver's, planned, followed up from now on
    # (avvikelse/learning): owner organisation, reminders, effect.
    answer = Answer(
        case=case, author=user, at=now, confirmed=Confirmed(data.confirmed),
        analysis=data.analysis, patient_informed=data.patient_informed,
        measures=[Measure(text=m.text, owner=m.owner, due_on=m.due_on, case=case,
                          owner_organisation_id=case.receiver_organisation_id,
                          status=MeasureStatus.PLANNED, created_at=now, created_by=user)
                  for m in data.measures],
    )
    db.session.add(answer)
    case.answered_at = now


def _closing(outcome: Outcome):
    def close(user, case, data, now):
        case.closed_at = case.ended_at = now
        case.outcome = outcome

    return close


def _withdraw(user, case, data, now):
    case.ended_at = now


def _merge(user, case, data, now):
    """The duplicate ends; the case it duplicates carries on (its clock, its escalations)
    and its history says a duplicate came in. What follows (escalation handlers) ends the
    duplicate's own open escalations."""
    into = data.resolved_case
    case.ended_at = now
    case.merged_into = into
    record_change(into, "merge_in", user, now, announce=False,
                  note="En dubblett slogs samman med ärendet; dess historik visas här.")
    data.note = "Sammanslaget med ärendet det är en dubblett av." + (f" {data.note}" if data.note else "")


def _dispute(user, case, data, now):
    """One round: the receiver owes a second answer, on a clock of its own."""
    case.disputed_once = True
    case.clock_started_at = now
    case.due_at = due_moment(now, current_app.config["SECOND_ANSWER_DUE_DAYS"])


def _route(user, case, data, now):
    case.received_at = case.clock_started_at = now


def _reclassify(user, case, data, now):
    """The receiver's judgement replaces the reporter's; a case that becomes serious is
    escalated by what follows (events.py), and an open escalation follows the activity."""
    before = _classification(case)
    case.consequence = data.consequence or case.consequence
    case.probability = data.probability or case.probability
    case.category = data.category or case.category
    case.activity = data.activity or case.activity
    case.risk = risk_score(case.consequence, case.probability)
    case.serious = is_serious(case.reporter_serious, case.consequence, case.probability)
    data.note = f"{before} → {_classification(case)}. {data.note}"


def _classification(case) -> str:
    return (f"konsekvens {case.consequence}, sannolikhet {case.probability}, "
            f"kategori {case.category}, {Activity(case.activity).label.lower()}")


def _direct_contact(user, case, data, now):
    db.session.add(DirectContact(case=case, with_whom=data.with_whom, at=data.at,
                                 recorded_by=user, recorded_at=now))
    data.note = f"Direktkontakt med {data.with_whom}, {workdays.local_date(data.at).isoformat()}."


def _complaint_acknowledged(user, case, data, now):
    case.complaint_acknowledged_on = data.on


def _complainant_replied(user, case, data, now):
    case.complainant_replied_on = data.on


def _nothing(user, case, data, now):
    return None


_APPLY = {
    Action.ROUTE: _route,
    Action.ACKNOWLEDGE: _acknowledge,
    Action.ASK: _ask,
    Action.REPLY: _reply,
    Action.FORWARD: _forward,
    Action.REDIRECT: _redirect,
    Action.ANSWER: _answer,
    Action.ACCEPT: _closing(Outcome.ACCEPTED),
    Action.DISPUTE: _dispute,
    Action.DISAGREE: _nothing,
    Action.SETTLE: _closing(Outcome.SETTLED_IN_FORUM),
    Action.CLOSE_WITHOUT_REACTION: _closing(Outcome.CLOSED_WITHOUT_REACTION),
    Action.WITHDRAW: _withdraw,
    Action.RECLASSIFY: _reclassify,
    Action.ESCALATE: _nothing,
    Action.DIRECT_CONTACT: _direct_contact,
    Action.ACKNOWLEDGE_COMPLAINT: _complaint_acknowledged,
    Action.REPLY_TO_COMPLAINANT: _complainant_replied,
    Action.SHARE_IDENTITY: _share_identity,
    Action.UNSHARE_IDENTITY: _unshare_identity,
    Action.PROTECT_IDENTITY: _protect_identity,
    Action.ASSIGN: _assign,
    Action.MERGE: _merge,
}

#: What the access log calls an action, where it is more than a change (PDL: sharing a
#: patient's identity and withdrawing it are disclosures the patient's extract shows).
_ACCESS = {Action.SHARE_IDENTITY: "share", Action.UNSHARE_IDENTITY: "unshare"}


def _message(author: User, case: Case, body: str, now: datetime) -> Message:
    msg = Message(case=case, author=author, at=now, body=body)
    db.session.add(msg)
    db.session.flush()
    return msg


def add_message(author: User, case: Case, body: str, now: datetime) -> Message:
    if not can_read(author, case):
        raise NotFound("Ärendet finns inte eller så saknar du behörighet att se det.")
    # A joint investigation's participants read the case; writing on it is for its sides.
    refuse_unless(can_view(author, case),
                  "Du läser ärendet genom en utredning; bara ärendets två sidor skriver meddelanden.")
    refuse_unless(
        case.status in OPEN_STATUSES,
        "Ärendet är avslutat; det går inte att skriva fler meddelanden.",
    )
    if not body:
        raise ValidationFailed({"body": ["Skriv ett meddelande."]})
    msg = _message(author, case, body, now)
    log_access(author, "change", case)
    outbox.emit("case.message", reference=case.reference, message_id=msg.id)
    return msg


def available_actions(user: User, case: Case) -> list[Action]:
    """What this user may do now: the transitions table read through the policy."""
    mine = sides(user, case)
    return [
        t.action for t in TRANSITIONS.values()
        if t.by & mine and case.status in t.sources and action_refusal(t.action, user, case) is None
    ]

