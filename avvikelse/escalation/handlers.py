"""What the escalation domain does when the outbox hands it an event (avvikelse/events.py):
a routed serious case goes to the overseers, a clock step is taken, a late
acknowledgement is chased. Each is idempotent per event (tell() keys on it) and checks
that what it is about still holds: a worker may run long after the change or the pass."""
from avvikelse.accounts.models import Role, User
from avvikelse.cases.changes import changed_at
from avvikelse.cases.enums import Activity, Status
from avvikelse.cases.models import Case
from avvikelse.cases.queries import by_reference
from avvikelse.core import workdays
from avvikelse.directory.models import Organisation, OrgKind
from avvikelse.escalation.clocks import (CLOCK_STATUSES, COMPLAINT_REPLY, INFO_REMINDER, OVERDUE,
                                         REMINDER_BEFORE, REMINDER_DUE)
from avvikelse.escalation.models import ClockStep, Escalation, Trigger
from avvikelse.cases.oversight import other_party, overseer_role
from avvikelse.escalation.services import (end_for_merge, end_for_redirect, for_case, move_to_role,
                                           open_escalation, overseers, parties, reopen, role_name)
from avvikelse.extensions import db
from avvikelse.notifications.services import tell
from avvikelse.routing.services import receiving_handlers, sending_handlers


def escalate_if_serious(payload: dict, key: str) -> None:
    """A serious case goes at once to the overseer of each organisation involved, of the
    case's activity. A region has no social services: in a social-care case its
    chefsläkare is informed, not asked to decide."""
    case = by_reference(payload["reference"])
    if case is None or not case.serious or case.status in (Status.SUBMITTED, Status.REDIRECTED):
        return
    for org in parties(case):
        if case.activity == Activity.SOCIAL_CARE and not org.has_duty(OrgKind.KOMMUN):
            tell(key, case, overseers(org.id, Role.CHEFSLAKARE, deputies=False),
                 "Allvarlig avvikelse inom kommunens socialtjänst: för kännedom")
            continue
        esc, created = open_escalation(case, org, Trigger.SERIOUS, changed_at(payload))
        if created:
            deadline = workdays.local_date(esc.ack_due_at).isoformat()
            tell(key, case, overseers(org.id, esc.role, deputies=False),
                 f"Allvarlig avvikelse: kvittera eskaleringen senast {deadline}")


def escalate_on_request(payload: dict, key: str) -> None:
    """A case escalated by hand: to the overseer of the acting organisation — the
    receiver's, or the sender's for its own activity (then it may report to IVO itself)."""
    case = by_reference(payload["reference"])
    actor = db.session.get(User, payload["actor_id"]) if payload.get("actor_id") else None
    if case is None or actor is None:
        return
    org = db.session.get(Organisation, actor.organisation_id)
    trigger = Trigger.MANUAL if org.id == case.receiver_organisation_id else Trigger.OWN_ACTIVITY
    at = changed_at(payload)
    esc, created = open_escalation(case, org, trigger, at)
    if not created and esc.concluded_at is not None:
        reopen(esc, trigger, at)
    elif not created and trigger is Trigger.OWN_ACTIVITY:
        esc.trigger = trigger  # its own side's activity contributed: it may report
    tell(key, case, overseers(org.id, esc.role, deputies=False),
         f"Ärendet har eskalerats till er: kvittera senast {workdays.local_date(esc.ack_due_at).isoformat()}")


def follow_activity(payload: dict, key: str) -> None:
    """A reclassified activity moves each open escalation of a kommun to its right role
    (MAS for health care, SAS for social services), and they are told."""
    case = by_reference(payload["reference"])
    if case is None:
        return
    for esc in for_case(case):
        if esc.concluded_at is not None or not esc.organisation.has_duty(OrgKind.KOMMUN):
            continue
        role = overseer_role(esc.organisation, case.activity, other_party(case, esc.organisation))
        if role is not esc.role:
            move_to_role(esc, role, changed_at(payload))
            tell(key, case, overseers(esc.organisation_id, role, deputies=False),
                 "Ärendet har klassificerats om och eskaleringen flyttats till er")


def end_escalations_of_old_receiver(payload: dict, key: str) -> None:
    """A redirect: the old receiver's open escalations end, as redirected; the new
    receiver's are opened when it is routed (a serious case at once)."""
    case = by_reference(payload["reference"])
    if case is None:
        return
    for esc in for_case(case):
        if esc.concluded_at is None and esc.organisation_id not in (
                case.sender_organisation_id, case.receiver_organisation_id):
            end_for_redirect(esc, changed_at(payload))


def end_escalations_of_merged(payload: dict, key: str) -> None:
    """A duplicate merged into another case: its open escalations end; the case it went
    into carries on with its own."""
    case = by_reference(payload["reference"])
    if case is None or case.status is not Status.MERGED:
        return
    for esc in for_case(case):
        if esc.concluded_at is None:
            end_for_merge(esc, changed_at(payload))


def clock_step(payload: dict, key: str) -> None:
    step = db.session.get(ClockStep, payload["step_id"])
    case = db.session.get(Case, step.case_id) if step else None
    if case is None:
        return
    if step.step in OTHER_CLOCKS:
        OTHER_CLOCKS[step.step](key, case, step)
        return
    # Answered, paused or redirected since the pass: the step no longer applies.
    if case.status not in CLOCK_STATUSES or case.clock_started_at != step.started_at:
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


def _info_reminder(key: str, case: Case, step: ClockStep) -> None:
    if case.status is Status.AWAITING_INFO and case.awaiting_info_since == step.started_at:
        since = workdays.local_date(step.started_at).isoformat()
        tell(key, case, [case.reporter, *sending_handlers(case)],
             f"Påminnelse: mottagaren väntar sedan {since} på er komplettering")


def _complaint_reply(key: str, case: Case, step: ClockStep) -> None:
    if case.complainant_replied_on is None and case.status not in (Status.WITHDRAWN,):
        due = case.complaint_reply_due_on.isoformat()
        tell(key, case, receiving_handlers(case),
             f"Påminnelse: den som klagat ska ha svar senast {due}")


#: clock steps other than the answer clock's (escalation/clocks.py takes them)
OTHER_CLOCKS = {INFO_REMINDER: _info_reminder, COMPLAINT_REPLY: _complaint_reply}


def report_reminder(payload: dict, key: str) -> None:
    """A Lex Maria / Lex Sarah investigation not yet reported to IVO, long after the event."""
    esc = db.session.get(Escalation, payload["escalation_id"])
    if esc is None or esc.concluded_at is not None or esc.reported_on is not None:
        return
    tell(key, esc.case, overseers(esc.organisation_id, esc.role, deputies=False),
         f"Påminnelse: {esc.decision.label} utreds men är inte anmäld till IVO")
