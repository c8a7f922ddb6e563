"""Opening, acknowledging, moving and ending escalations, and who is told (decisions are
decisions.py).

Every step is a change to the case without a new status (`record_change` with action
`escalation_*`): a history row, a PDL access row for the person who acted, an event.
"""
import logging
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from avvikelse.accounts import absence
from avvikelse.accounts.models import ROLE_NAMES, Role, User, UserRole
from avvikelse.cases.changes import record_change
from avvikelse.cases.oversight import other_party, overseer_role
from avvikelse.cases.models import Case
from avvikelse.core.errors import NotFound, TransitionRefused, ValidationFailed
from avvikelse.directory.models import Organisation
from avvikelse.core import workdays
from avvikelse.escalation.models import (Decision, Escalation, EscalationFallback, EscalationStep,
                                         Step, Trigger)
from avvikelse.escalation.policy import acting_for, can_act_on, can_view_escalation, inbox_roles
from avvikelse.core.sql import insert_new
from avvikelse.extensions import db

log = logging.getLogger(__name__)

NOT_FOUND = "Eskaleringen finns inte eller så saknar du behörighet att se den."


def role_name(role: Role) -> str:
    return ROLE_NAMES[role]


def parties(case: Case) -> list[Organisation]:
    """The organisations involved: the sender's and the receiver's."""
    return [case.sender_organisation, case.receiver_organisation]


WHY = {
    Trigger.SERIOUS: "allvarlig avvikelse",
    Trigger.OVERDUE: "svaret är försenat",
    Trigger.MANUAL: "eskalerat av handläggare",
    Trigger.OWN_ACTIVITY: "den egna verksamheten bidrog",
}


def open_escalation(case: Case, org: Organisation, trigger: Trigger, now: datetime) -> tuple[Escalation, bool]:
    """The case's escalation to `org`'s overseer of the case's activity, opened now unless
    it already is. Returns it and whether this call opened it (a concurrent opener may
    have won)."""
    role = overseer_role(org, case.activity, other_party(case, org))
    ack_days = current_app.config["ESCALATION_ACK_WORKING_DAYS"]
    row = dict(
        case_id=case.id, role=role, organisation_id=org.id, trigger=trigger,
        opened_at=now, ack_due_at=workdays.add_working_days(now, ack_days),
    )
    created = bool(insert_new(Escalation, [row], ("case_id", "role", "organisation_id")))
    esc = db.session.scalar(
        select(Escalation).where(
            Escalation.case_id == case.id, Escalation.role == role, Escalation.organisation_id == org.id
        )
    )
    if created:
        record_change(case, "escalation_opened", None, now,
                      note=f"Eskalerat till {role_name(role)} i {org.name}: {WHY[trigger]}.")
    return esc, created


def reopen(esc: Escalation, trigger: Trigger, now: datetime) -> None:
    """A concluded escalation escalated again (by hand): open once more, its steps kept."""
    esc.concluded_at = None
    esc.trigger = trigger
    esc.acknowledged_at = esc.acknowledged_by = esc.renotified_at = None
    esc.ack_due_at = workdays.add_working_days(now, current_app.config["ESCALATION_ACK_WORKING_DAYS"])
    record_change(esc.case, "escalation_opened", None, now,
                  note=f"Eskalerat till {role_name(esc.role)} i {esc.organisation.name} igen: {WHY[trigger]}.")


def move_to_role(esc: Escalation, role: Role, now: datetime) -> None:
    """The case's activity was reclassified: the open escalation goes to the right role."""
    before = role_name(esc.role)
    esc.role = role
    esc.acknowledged_at = esc.acknowledged_by = esc.renotified_at = None
    esc.ack_due_at = workdays.add_working_days(now, current_app.config["ESCALATION_ACK_WORKING_DAYS"])
    record_change(esc.case, "escalation_moved", None, now,
                  note=f"Eskaleringen flyttad från {before} till {role_name(role)} i {esc.organisation.name}.")


def end_for_redirect(esc: Escalation, now: datetime) -> None:
    """The case went to another receiver: the old receiver's open escalation ends, as
    redirected, so nothing stays undecided for ever."""
    _end(esc, now, "Ärendet skickades till rätt mottagare.", "ärendet har skickats till en annan mottagare")


def end_for_merge(esc: Escalation, now: datetime) -> None:
    """The case was a duplicate merged into another: its open escalation ends; the case it
    went into keeps its own."""
    _end(esc, now, "Ärendet slogs samman med ärendet det var en dubblett av.",
         "ärendet var en dubblett och har slagits samman med ett annat")


def _end(esc: Escalation, now: datetime, reason: str, why: str) -> None:
    esc.steps.append(EscalationStep(decision=Decision.NONE, step=Step.CONCLUDED, at=now, by=None,
                                    reason=reason))
    esc.decision, esc.decided_at, esc.concluded_at = Decision.NONE, now, now
    record_change(esc.case, "escalation_ended", None, now,
                  note=f"Eskaleringen till {role_name(esc.role)} i {esc.organisation.name} avslutad: {why}.")


def acknowledge(user: User, esc: Escalation, now: datetime) -> Escalation:
    deputy_for = check_actor(user, esc, "kvittera")
    if esc.acknowledged_at is not None:
        raise TransitionRefused(
            f"Eskaleringen är redan kvitterad ({workdays.local_date(esc.acknowledged_at).isoformat()})."
        )
    esc.acknowledged_at, esc.acknowledged_by = now, user
    record_change(esc.case, "escalation_acknowledged", user, now, deputy_for=deputy_for,
                  note=f"Eskaleringen till {role_name(esc.role)} i {esc.organisation.name} kvitterad"
                       f"{as_deputy(deputy_for)}.")
    return esc


def check_actor(user: User, esc: Escalation, verb: str) -> User | None:
    """Refuses whoever may not act on the escalation; returns the absent holder the user
    acts for as their deputy, or None when the user holds the role."""
    if not can_view_escalation(user, esc):
        raise NotFound(NOT_FOUND)
    if not can_act_on(user, esc):
        raise TransitionRefused(
            f"Bara {role_name(esc.role)} i {esc.organisation.name} kan {verb} den här eskaleringen."
        )
    return acting_for(user, esc)


def as_deputy(absent: User | None) -> str:
    """", som ersättare för Anna Andersson" for the history of a deputy's act."""
    return f", som ersättare för {absent.full_name or absent.username}" if absent else ""


# --------------------------------------------------------------------------- reading


def get_escalation_for(user: User, escalation_id: int) -> Escalation:
    esc = db.session.get(Escalation, escalation_id)
    if esc is None or not can_view_escalation(user, esc):
        raise NotFound(NOT_FOUND)
    return esc


def inbox(user: User, status: str | None = "open") -> list[Escalation]:
    """The escalations to the caller's organisation and roles, oldest first."""
    roles = inbox_roles(user)
    if not roles:
        return []
    stmt = select(Escalation).where(
        Escalation.organisation_id == user.organisation_id, Escalation.role.in_(roles)
    )
    if status == "open":
        stmt = stmt.where(Escalation.concluded_at.is_(None))
    elif status == "decided":  # concluded: a concluded step, or a decision of no action
        stmt = stmt.where(Escalation.concluded_at.is_not(None))
    return list(db.session.scalars(stmt.order_by(Escalation.opened_at, Escalation.id)))


def for_case(case: Case) -> list[Escalation]:
    """A case's escalations, for its page and its JSON (both sides see them)."""
    stmt = select(Escalation).where(Escalation.case_id == case.id).order_by(Escalation.opened_at, Escalation.id)
    return list(db.session.scalars(stmt))


def overseers(org_id: int, role: Role, *, deputies: bool) -> list[User]:
    """Who is told: the holders of the role; with `deputies` (the escalation is late),
    their standing deputies too. A holder who is another holder's standing deputy is
    told only then, unless no other holder is left. An absent holder's notices go to
    their deputy at once (notifications.tell). With nobody in the role (a kommun without
    a SAS) the person the organisation named for it (EscalationFallback): an escalation
    must reach someone, and if it reaches nobody that is logged as an error."""
    stmt = (
        select(User).join(UserRole)
        .where(User.organisation_id == org_id, User.active, UserRole.role == role)
        .order_by(User.id)
    )
    found = absence.told_of(list(db.session.scalars(stmt).unique()), deputies=deputies)
    if found:
        return found
    fallback = db.session.scalar(select(EscalationFallback).where(
        EscalationFallback.organisation_id == org_id, EscalationFallback.role == role))
    if fallback is not None and fallback.user.active:
        return [fallback.user]
    log.error("escalation to %s of organisation %s reaches nobody: name a fallback", role, org_id)
    return []


def set_fallback(org: Organisation, role: Role, user: User) -> EscalationFallback:
    if user.organisation_id != org.id:
        raise ValidationFailed({"user": ["Välj en person i samma organisation."]})
    row = db.session.scalar(select(EscalationFallback).where(
        EscalationFallback.organisation_id == org.id, EscalationFallback.role == role))
    if row is None:
        row = EscalationFallback(organisation_id=org.id, role=role, user_id=user.id)
        db.session.add(row)
    row.user_id = user.id
    db.session.flush()
    return row
