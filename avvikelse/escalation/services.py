"""Opening, acknowledging and deciding escalations.

Every step is a change to the case without a new status (`record_change` with action
`escalation_*`): a history row, a PDL access row for the person who acted, an event.
"""
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import select

from avvikelse.accounts.models import ROLE_NAMES, Role, User, UserRole
from avvikelse.cases.changes import record_change
from avvikelse.cases.models import Case
from avvikelse.core.errors import NotFound, TransitionRefused, ValidationFailed
from avvikelse.directory.models import Organisation, OrgKind
from avvikelse.core import workdays
from avvikelse.escalation.models import Decision, Escalation, Trigger
from avvikelse.escalation.policy import can_act_on, can_view_escalation, inbox_roles
from avvikelse.core.sql import insert_new
from avvikelse.extensions import db

NOT_FOUND = "Eskaleringen finns inte eller så saknar du behörighet att se den."
IVO_REFERENCE_MAX = 40


@dataclass
class DecisionInput:
    decision: str
    reported_on: date | None = None
    ivo_reference: str | None = None
    reason: str | None = None


def overseer_role(org: Organisation) -> Role:
    """MAS in a kommun, chefsläkare in a region."""
    return Role.MAS if org.kind is OrgKind.KOMMUN else Role.CHEFSLAKARE


def role_name(role: Role) -> str:
    return ROLE_NAMES[role]


def parties(case: Case) -> list[Organisation]:
    """The organisations involved: the sender's and the receiver's."""
    return [case.sender_organisation, case.receiver_organisation]


def open_escalation(case: Case, org: Organisation, trigger: Trigger, now: datetime) -> tuple[Escalation, bool]:
    """The case's escalation to `org`'s overseer, opened now unless it already is.
    Returns it and whether this call opened it (a concurrent opener may have won)."""
    role = overseer_role(org)
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
        why = "allvarlig avvikelse" if trigger is Trigger.SERIOUS else "svaret är försenat"
        record_change(case, "escalation_opened", None, now,
                      note=f"Eskalerat till {role_name(role)} i {org.name}: {why}.")
    return esc, created


def acknowledge(user: User, esc: Escalation, now: datetime) -> Escalation:
    _check_actor(user, esc, "kvittera")
    if esc.acknowledged_at is not None:
        raise TransitionRefused(
            f"Eskaleringen är redan kvitterad ({workdays.local_date(esc.acknowledged_at).isoformat()})."
        )
    esc.acknowledged_at, esc.acknowledged_by = now, user
    record_change(esc.case, "escalation_acknowledged", user, now,
                  note=f"Eskaleringen till {role_name(esc.role)} i {esc.organisation.name} kvitterad.")
    return esc


def decide(user: User, esc: Escalation, data: DecisionInput, now: datetime) -> Escalation:
    _check_actor(user, esc, "registrera beslut om")
    if esc.acknowledged_at is None:
        raise TransitionRefused("Kvittera eskaleringen innan du registrerar ett beslut.")
    if esc.decision is not None:
        raise TransitionRefused(f"Beslut är redan registrerat: {esc.decision.label}.")
    decision = _check_decision(esc, data, now)
    esc.decision = decision
    esc.reported_on = data.reported_on if decision in (Decision.LEX_MARIA, Decision.LEX_SARAH) else None
    esc.ivo_reference = (data.ivo_reference or None) if esc.reported_on else None
    esc.reason = data.reason or None
    esc.decided_at, esc.decided_by = now, user
    record_change(esc.case, "escalation_decided", user, now, note=_decision_note(esc))
    return esc


def _check_actor(user: User, esc: Escalation, verb: str) -> None:
    if not can_view_escalation(user, esc):
        raise NotFound(NOT_FOUND)
    if not can_act_on(user, esc):
        raise TransitionRefused(
            f"Bara {role_name(esc.role)} i {esc.organisation.name} kan {verb} den här eskaleringen."
        )


def _check_decision(esc: Escalation, data: DecisionInput, now: datetime) -> Decision:
    """The rules of IVO and the agreement, each refusal saying which one blocks it."""
    try:
        decision = Decision(data.decision)
    except ValueError:
        raise ValidationFailed({"decision": ["Välj ett av besluten."]}) from None
    case = esc.case
    errors: dict[str, list[str]] = {}
    if decision in (Decision.LEX_MARIA, Decision.LEX_SARAH):
        # IVO accepts reports only about one's own activity: the receiver's, normally.
        if esc.organisation_id != case.receiver_organisation_id:
            raise TransitionRefused(
                "Bara den organisation vars verksamhet ärendet gäller (mottagaren) kan anmäla "
                "enligt Lex Maria eller Lex Sarah. Er organisation kan registrera en egen "
                "intern utredning."
            )
        if decision is Decision.LEX_SARAH and (
            esc.organisation.kind is not OrgKind.KOMMUN or esc.role is not Role.MAS
        ):
            raise TransitionRefused(
                "Lex Sarah gäller kommunens socialtjänst och registreras av kommunens MAS."
            )
        if data.reported_on is None:
            errors["reported_on"] = ["Ange vilket datum anmälan gjordes."]
        elif data.reported_on > workdays.local_date(now):
            errors["reported_on"] = ["Anmälningsdatumet kan inte ligga i framtiden."]
        elif data.reported_on < workdays.local_date(case.reported_at):
            errors["reported_on"] = ["Anmälan kan inte ha gjorts innan ärendet rapporterades."]
    if decision is Decision.LEX_MARIA and not data.ivo_reference:
        errors["ivo_reference"] = ["Ange IVO:s diarienummer för Lex Maria-anmälan."]
    if data.ivo_reference and len(data.ivo_reference) > IVO_REFERENCE_MAX:
        errors["ivo_reference"] = [f"Högst {IVO_REFERENCE_MAX} tecken."]
    if decision is Decision.NONE and not data.reason:
        errors["reason"] = ["Skriv varför ingen anmälan eller utredning görs."]
    if errors:
        raise ValidationFailed(errors)
    return decision


def _decision_note(esc: Escalation) -> str:
    note = f"Beslut av {role_name(esc.role)} i {esc.organisation.name}: {esc.decision.label}"
    if esc.reported_on:
        note += f", anmäld {esc.reported_on.isoformat()}"
    if esc.ivo_reference:
        note += f", IVO dnr {esc.ivo_reference}"
    return note + "."


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
        stmt = stmt.where(Escalation.decided_at.is_(None))
    elif status == "decided":
        stmt = stmt.where(Escalation.decided_at.is_not(None))
    return list(db.session.scalars(stmt.order_by(Escalation.opened_at, Escalation.id)))


def for_case(case: Case) -> list[Escalation]:
    """A case's escalations, for its page and its JSON (both sides see them)."""
    stmt = select(Escalation).where(Escalation.case_id == case.id).order_by(Escalation.opened_at, Escalation.id)
    return list(db.session.scalars(stmt))


def overseers(org_id: int, role: Role, *, deputies: bool) -> list[User]:
    """Who is told: the holders of the role; with `deputies`, their deputies too. With
    no holder at all the deputies stand in at once: an escalation must reach someone."""
    stmt = (
        select(User).join(UserRole)
        .where(User.organisation_id == org_id, User.active, UserRole.role == role)
        .order_by(User.id)
    )
    users = list(db.session.scalars(stmt).unique())
    holders = [u for u in users if not u.is_deputy]
    return users if deputies or not holders else holders
