"""Outbox handlers: who is told, when a case is routed, a clock step is taken, or an
escalation waits too long. Each is idempotent per event (tell() keys on it) and checks
that what it is about still holds: a worker may run long after the pass."""
from datetime import datetime

from avvikelse.cases.models import Case
from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from avvikelse.core import workdays
from avvikelse.escalation.clocks import CLOCK_STATUSES, OVERDUE, REMINDER_BEFORE, REMINDER_DUE
from avvikelse.escalation.models import ClockStep, Escalation, Trigger
from avvikelse.escalation.services import open_escalation, overseers, parties, role_name
from avvikelse.extensions import db
from avvikelse.notifications.services import tell
from avvikelse.routing.services import receiving_handlers


@outbox.handles("case.routed")
def _routed(payload: dict, evt) -> None:
    """A serious case goes at once to the overseer of each organisation involved."""
    case = db.session.get(Case, payload["case_id"])
    if case is None or not case.serious:
        return
    at = datetime.fromisoformat(payload["at"]) if payload.get("at") else now_utc()
    for org in parties(case):
        esc, created = open_escalation(case, org, Trigger.SERIOUS, at)
        if created:
            deadline = workdays.local_date(esc.ack_due_at).isoformat()
            tell(evt.id, case, overseers(org.id, esc.role, deputies=False),
                 f"Allvarlig avvikelse: kvittera eskaleringen senast {deadline}")


@outbox.handles("clock.step")
def _clock_step(payload: dict, evt) -> None:
    step = db.session.get(ClockStep, payload["step_id"])
    case = db.session.get(Case, step.case_id) if step else None
    # Answered, paused or redirected since the pass: the step no longer applies.
    if case is None or case.status not in CLOCK_STATUSES or case.received_at != step.received_at:
        return
    due = workdays.local_date(case.due_at).isoformat()
    if step.step == REMINDER_BEFORE:
        tell(evt.id, case, receiving_handlers(case), f"Påminnelse: svaret ska lämnas senast {due}")
    elif step.step == REMINDER_DUE:
        tell(evt.id, case, receiving_handlers(case), f"Påminnelse: svaret ska lämnas i dag, {due}")
    elif step.step == OVERDUE:
        _overdue(evt, case, step)


def _overdue(evt, case: Case, step: ClockStep) -> None:
    org = case.receiver_organisation
    esc, _created = open_escalation(case, org, Trigger.OVERDUE, step.at)
    # Told even when a serious-case escalation to them was already open: lateness is news.
    tell(evt.id, case, overseers(org.id, esc.role, deputies=False),
         f"Svaret är försenat sedan {workdays.local_date(case.due_at).isoformat()}: "
         "ärendet har eskalerats till er")
    # The organisation's name is directory data: in the notice and body, not the subject.
    tell(evt.id, case, [case.reporter],
         f"Svaret är försenat; ärendet har eskalerats till {role_name(esc.role)} i {org.name}",
         subject=f"Svaret är försenat; ärendet har eskalerats till {role_name(esc.role)}")


@outbox.handles("escalation.renotify")
def _renotify(payload: dict, evt) -> None:
    esc = db.session.get(Escalation, payload["escalation_id"])
    if esc is None or esc.acknowledged_at is not None:
        return
    tell(evt.id, esc.case, overseers(esc.organisation_id, esc.role, deputies=True),
         "Påminnelse: en eskalering väntar fortfarande på kvittens")
