"""Measures followed to the end: who owns them, when they are due, how they went, and
whether they had the effect meant.

A measure has a text, an owner organisation, an owner (a person's name or role, as
text, and optionally an account that gets the reminders), a due date and a status:
planned, in_progress, done or not_done (with the reason). When done, an effect check
follows (a date to check, then the day it was checked and what it found). The patient
being informed of the measures (PSL 3:8) is recorded with its date.

Measures come from an answer (cases.services, planned), are added to a case by its
handlers for their own organisation, or are decided in an investigation for any of its
sides. Reminders before and on the due day and the escalation of an overdue measure to
its owner organisation's MAS/SAS/chefsläkare are clocks.py's.
"""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from avvikelse.accounts.models import User
from avvikelse.cases.enums import MeasureStatus, Status
from avvikelse.cases.models import Case, Measure
from avvikelse.core import workdays
from avvikelse.core.errors import Forbidden, NotFound, TransitionRefused, ValidationFailed
from avvikelse.directory.services import organisation_by_code
from avvikelse.extensions import db
from avvikelse.learning import policy
from avvikelse.learning.changes import record_measure_change
from avvikelse.learning.investigations import _text
from avvikelse.learning.models import Investigation

NOT_FOUND = "Åtgärden finns inte eller så saknar du behörighet att se den."
#: the statuses still to be carried out: reminded, and overdue past the due day
OPEN = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)
#: what a list can be asked for: a status, or overdue (open and past its due day)
LIST_STATUSES = (*(s.value for s in MeasureStatus), "overdue", "effect_due")


@dataclass
class MeasureData:
    text: str
    owner: str
    due_on: date | None
    owner_organisation: str | None = None
    owner_user: str | None = None
    effect_due_on: date | None = None


@dataclass
class MeasureUpdate:
    status: str | None = None
    note: str | None = None
    due_on: date | None = None
    effect_due_on: date | None = None
    effect_checked_on: date | None = None
    effect: str | None = None
    patient_informed_on: date | None = None


def is_overdue(measure: Measure, today: date) -> bool:
    return measure.status in OPEN and measure.due_on < today


def _checked(user: User, data: MeasureData, allowed: set[int], today: date):
    """The measure's fields resolved, or every broken rule at once by the API's names."""
    errors: dict[str, list[str]] = {}
    text = owner = ""
    try:
        text = _text(data.text, "text", required="Beskriv åtgärden.", limit=2000)
    except ValidationFailed as exc:
        errors |= exc.errors
    try:
        owner = _text(data.owner, "owner", required="Ange vem som är ansvarig (namn eller roll).",
                      limit=200, multiline=False)
    except ValidationFailed as exc:
        errors |= exc.errors
    org = organisation_by_code(data.owner_organisation) if data.owner_organisation else user.organisation
    if org is None or not org.active:
        errors["owner_organisation"] = ["Välj en organisation ur katalogen."]
    elif org.id not in allowed:
        errors["owner_organisation"] = [
            "Åtgärden kan bara ägas av er egen organisation här. Åtgärder för båda huvudmännen "
            "beslutas i en gemensam utredning."]
    owner_user = None
    if data.owner_user:
        owner_user = db.session.scalar(select(User).where(User.username == data.owner_user.strip()))
        if owner_user is None or not owner_user.active or owner_user.is_integration:
            errors["owner_user"] = ["Okänt användarnamn, eller ett konto som inte kan få påminnelser."]
        elif org is not None and owner_user.organisation_id != org.id:
            errors["owner_user"] = ["Den som får påminnelserna hör till den ansvariga organisationen."]
    if data.due_on is None:
        errors["due_on"] = ["Ange när åtgärden ska vara klar."]
    elif data.due_on < today:
        errors["due_on"] = ["Datumet har redan passerat."]
    if data.effect_due_on is not None and data.due_on is not None and data.effect_due_on < data.due_on:
        errors["effect_due_on"] = ["Effekten följs upp efter att åtgärden ska vara klar."]
    if errors:
        raise ValidationFailed(errors)
    return text, owner, org, owner_user


def _new(user: User, case: Case, data: MeasureData, allowed: set[int], now: datetime,
         investigation: Investigation | None = None) -> Measure:
    text, owner, org, owner_user = _checked(user, data, allowed, workdays.local_date(now))
    measure = Measure(case=case, investigation_id=investigation.id if investigation else None, text=text,
                      owner=owner, owner_organisation=org, owner_user=owner_user, due_on=data.due_on,
                      effect_due_on=data.effect_due_on, status=MeasureStatus.PLANNED,
                      created_at=now, created_by=user)
    db.session.add(measure)
    db.session.flush()
    record_measure_change(measure, "created", user, now, note=f"Planerad, klar senast {data.due_on.isoformat()}.")
    return measure


def add_to_case(user: User, case: Case, data: MeasureData, now: datetime) -> Measure:
    """A handler or overseer of one of the case's sides, for their own organisation."""
    if not policy.can_add_case_measure(user, case):
        raise Forbidden("Bara handläggare, MAS, SAS och chefsläkare på ärendets två sidor lägger till åtgärder.")
    if case.status in (Status.WITHDRAWN, Status.MERGED):
        raise TransitionRefused(f"Ärendet har status ”{case.status.label}”; åtgärder läggs på ärendet "
                                "det gäller.")
    return _new(user, case, data, {user.organisation_id}, now)


def add_to_investigation(user: User, inv: Investigation, data: MeasureData, now: datetime) -> Measure:
    """A participant, for any of the investigation's sides; filed under its first case."""
    if not policy.is_participant(user, inv):
        raise Forbidden("Bara utredningens deltagare beslutar åtgärder i den.")
    if not inv.running:
        raise TransitionRefused(f"Utredningen har status ”{inv.status.label}” och kan inte få nya åtgärder.")
    return _new(user, inv.cases[0], data, policy.side_organisations(inv), now, investigation=inv)


def get_for(user: User, measure_id: int) -> Measure:
    measure = db.session.get(Measure, measure_id) if 0 < measure_id < 2**31 else None
    if measure is None or not policy.can_see_measure(user, measure):
        raise NotFound(NOT_FOUND)
    return measure


def update(user: User, measure: Measure, data: MeasureUpdate, now: datetime) -> Measure:
    """A status (not_done with its reason), a new due day, the effect checked, the patient
    informed: each change one history row and one event."""
    if not policy.can_update_measure(user, measure):
        raise Forbidden("Bara den ansvariga organisationens handläggare och chefer, eller den som får "
                        "påminnelserna, följer upp åtgärden.")
    today = workdays.local_date(now)
    errors: dict[str, list[str]] = {}
    status = measure.status
    if data.status:
        try:
            status = MeasureStatus(data.status)
        except ValueError:
            errors["status"] = [f"Välj bland: {', '.join(s.value for s in MeasureStatus)}."]
    note = None
    try:
        note = _text(data.note, "note", limit=2000) or None
    except ValidationFailed as exc:
        errors |= exc.errors
    effect = None
    try:
        effect = _text(data.effect, "effect", limit=2000) or None
    except ValidationFailed as exc:
        errors |= exc.errors
    if data.status and status is MeasureStatus.NOT_DONE and status is not measure.status and not note:
        errors["note"] = ["Skriv varför åtgärden inte genomförs."]
    if data.due_on is not None and data.due_on != measure.due_on and data.due_on < today:
        errors["due_on"] = ["Datumet har redan passerat."]
    if (data.effect_checked_on is None) != (effect is None):
        errors["effect"] = ["Ange både när effekten följdes upp och vad uppföljningen visade."]
    elif data.effect_checked_on is not None:
        if status is not MeasureStatus.DONE:
            errors["effect_checked_on"] = ["Effekten följs upp när åtgärden är genomförd."]
        elif data.effect_checked_on > today:
            errors["effect_checked_on"] = ["Datumet kan inte ligga i framtiden."]
        elif measure.done_on and data.effect_checked_on < measure.done_on:
            errors["effect_checked_on"] = ["Effekten kan inte ha följts upp innan åtgärden genomfördes."]
    if data.patient_informed_on is not None and data.patient_informed_on > today:
        errors["patient_informed_on"] = ["Datumet kan inte ligga i framtiden."]
    if data.effect_due_on is not None and data.effect_due_on < (data.due_on or measure.due_on):
        errors["effect_due_on"] = ["Effekten följs upp efter att åtgärden ska vara klar."]
    changes = [data.status and status is not measure.status, data.due_on not in (None, measure.due_on),
               data.effect_checked_on is not None, data.patient_informed_on is not None,
               data.effect_due_on not in (None, measure.effect_due_on)]
    if not errors and not any(changes) and not note:
        errors["status"] = ["Ange minst en ändring."]
    if errors:
        raise ValidationFailed(errors)
    before = measure.status
    if status is not before:
        measure.status, measure.status_note = status, note
        if status is MeasureStatus.DONE:
            measure.done_on = measure.done_on or today
        elif before is MeasureStatus.DONE:
            measure.done_on = None
        record_measure_change(measure, "status_changed", user, now, before=before,
                              note=f"{before.label} → {status.label}." + (f" {note}" if note else ""))
    elif note:
        measure.status_note = note
        record_measure_change(measure, "noted", user, now, before=before, note=note)
    if data.due_on not in (None, measure.due_on):
        old, measure.due_on = measure.due_on, data.due_on
        record_measure_change(measure, "rescheduled", user, now, before=measure.status,
                              note=f"Klart senast {old.isoformat()} → {data.due_on.isoformat()}.")
    if data.effect_due_on not in (None, measure.effect_due_on):
        measure.effect_due_on = data.effect_due_on
        record_measure_change(measure, "effect_planned", user, now, before=measure.status,
                              note=f"Effekten följs upp {data.effect_due_on.isoformat()}.", announce=False)
    if data.effect_checked_on is not None:
        measure.effect_checked_on, measure.effect = data.effect_checked_on, effect
        record_measure_change(measure, "effect_checked", user, now, before=measure.status,
                              note=f"Effekten uppföljd {data.effect_checked_on.isoformat()}.")
    if data.patient_informed_on is not None:
        measure.patient_informed_on = data.patient_informed_on
        record_measure_change(measure, "patient_informed", user, now, before=measure.status, announce=False,
                              note=f"Patienten informerad om åtgärden {data.patient_informed_on.isoformat()} "
                                   "(PSL 3 kap. 8 §).")
    db.session.flush()
    return measure


# -- lists ------------------------------------------------------------------------------------

def of_organisation(organisation_id: int, status: str | None, today: date, limit: int = 500) -> list[Measure]:
    """An organisation's measures by status and due day: open ones first, the nearest due
    first; `overdue` the open ones past their day, `effect_due` done ones whose effect
    check is due and not recorded."""
    stmt = select(Measure).where(Measure.owner_organisation_id == organisation_id)
    if status == "overdue":
        stmt = stmt.where(Measure.status.in_(OPEN), Measure.due_on < today)
    elif status == "effect_due":
        stmt = stmt.where(Measure.status == MeasureStatus.DONE, Measure.effect_checked_on.is_(None),
                          Measure.effect_due_on <= today)
    elif status:
        stmt = stmt.where(Measure.status == MeasureStatus(status))
    return list(db.session.scalars(stmt.order_by(Measure.due_on, Measure.id).limit(limit)))


def of_case(case: Case) -> list[Measure]:
    """Measures added to the case on their own (not an answer's, not an investigation's)."""
    return list(db.session.scalars(select(Measure).where(
        Measure.case_id == case.id, Measure.answer_id.is_(None), Measure.investigation_id.is_(None))
        .order_by(Measure.id)))


def visible_cases(measures: list[Measure]) -> list[Case]:
    return list({m.case_id: m.case for m in measures}.values())



def history(measure: Measure) -> list:
    from avvikelse.learning.models import MeasureEvent

    return list(db.session.scalars(select(MeasureEvent).where(MeasureEvent.measure_id == measure.id)
                                   .order_by(MeasureEvent.id)))
