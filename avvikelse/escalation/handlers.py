"""What the escalation domain does when the outbox hands it an event (avvikelse/events.py):
a routed serious case goes to the overseers, a clock step is taken, a late
acknowledgement is chased. Each is idempotent per event (tell() keys on it) and checks
that what it is about still holds: a worker may run long after the change or the pass."""
from avvikelse.cases.changes import changed_at
from avvikelse.cases.models import Case
from avvikelse.cases.queries import by_reference
from avvikelse.core import workdays
from avvikelse.escalation.clocks import CLOCK_STATUSES, OVERDUE, REMINDER_BEFORE, REMINDER_DUE
from avvikelse.escalation.models import ClockStep, Escalation, Trigger
from avvikelse.escalation.services import open_escalation, overseers, parties, role_name
from avvikelse.extensions import db
from avvikelse.notifications.services import tell
from avvikelse.routing.services import receiving_handlers


def escalate_if_serious(payload: dict, key: str) -> None:
    """A serious case goes at once to the overseer of each organisation involved."""
    case = by_reference(payload["reference"])
    if case is None or not case.serious:
        return
    for org in parties(case):
        esc, created = open_escalation(case, org, Trigger.SERIOUS, changed_at(payload))
        if created:
            deadline = workdays.local_date(esc.ack_due_at).isoformat()
            tell(key, case, overseers(org.id, esc.role, deputies=False),
                 f"Allvarlig avvikelse: kvittera eskaleringen senast {deadline}")


def clock_step(payload: dict, key: str) -> None:
    step = db.session.get(ClockStep, payload["step_id"])
    case = db.session.get(Case, step.case_id) if step else None
    # Answered, paused or redirected since the pass: the step no longer applies.
    if case is None or case.status not in CLOCK_STATUSES or case.received_at != step.received_at:
        return
    due = workdays.local_date(case.due_at).isoformat()
    if step.step == REMINDER_BEFORE:
        tell(key, case, receiving_handlers(case), f"Påminnelse: svaret ska lämnas senast {due}")
    elif step.step == REMINDER_DUE:
        tell(key, case, receiving_handlers(case), f"Påminnelse: svaret ska lämnas i dag, {due}")
    elif step.step == OVERDUE:
        _overdue(key, case, step)


def _overdue(key: str, case: Case, step: ClockStep) -> None:
    org = case.receiver_organisation
    esc, _created = open_escalation(case, org, Trigger.OVERDUE, step.at)
    # Told even when a serious-case escalation to them was already open: lateness is news.
    tell(key, case, overseers(org.id, esc.role, deputies=False),
         f"Svaret är försenat sedan {workdays.local_date(case.due_at).isoformat()}: "
         "ärendet har eskalerats till er")
    # The organisation's name is directory data: in the notice and body, not the subject.
    tell(key, case, [case.reporter],
         f"Svaret är försenat; ärendet har eskalerats till {role_name(esc.role)} i {org.name}",
         subject=f"Svaret är försenat; ärendet har eskalerats till {role_name(esc.role)}")


def renotify(payload: dict, key: str) -> None:
    esc = db.session.get(Escalation, payload["escalation_id"])
    if esc is None or esc.acknowledged_at is not None:
        return
    tell(key, esc.case, overseers(esc.organisation_id, esc.role, deputies=True),
         "Påminnelse: en eskalering väntar fortfarande på kvittens")
