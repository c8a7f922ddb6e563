"""A decision on an escalation is a process of steps, each with who, when and why:
internal investigation (händelseanalys) started → Lex Maria / Lex Sarah under
investigation → reported to IVO (a date; IVO's diarienummer added when it arrives) →
concluded; or no action, with a reason. A wrong step is corrected by a new step that
names it and says why; both are kept.

Who may record what (IVO accepts reports only about one's own activity):
- Lex Maria (health care) by the MAS or chefsläkare, Lex Sarah (the kommun's social
  services, SoL/LSS) by the SAS — never the MAS;
- only for the organisation whose activity the case concerns: the receiver, or the sender
  once its overseer opened an escalation for its own side (trigger own_activity);
- the other side records its own internal investigation.
"""
from dataclasses import dataclass
from datetime import date, datetime

from avvikelse.accounts.models import Role, User
from avvikelse.cases.changes import record_change
from avvikelse.core import workdays
from avvikelse.core.errors import TransitionRefused, ValidationFailed
from avvikelse.escalation.models import REPORTS, Decision, Escalation, EscalationStep, Step, Trigger
from avvikelse.escalation.services import check_actor, role_name

IVO_REFERENCE_MAX = 40


@dataclass
class DecisionInput:
    decision: str
    reported_on: date | None = None
    ivo_reference: str | None = None
    reason: str | None = None
    step: str = Step.CONCLUDED.value


def decide(user: User, esc: Escalation, data: DecisionInput, now: datetime) -> Escalation:
    """Add a step. The default step, `concluded`, decides in one go (as before steps)."""
    deputy_for = check_actor(user, esc, "registrera beslut om")
    if esc.acknowledged_at is None:
        raise TransitionRefused("Kvittera eskaleringen innan du registrerar ett beslut.")
    if esc.concluded_at is not None:
        raise TransitionRefused("Eskaleringen är avslutad. Rätta ett steg om något blev fel.")
    decision, step = _check(esc, data, now)
    row = EscalationStep(decision=decision, step=step, reported_on=data.reported_on,
                         ivo_reference=data.ivo_reference or None, reason=data.reason or None,
                         at=now, by=user)
    esc.steps.append(row)
    _summarise(esc, now)
    record_change(esc.case, "escalation_decided", user, now, deputy_for=deputy_for,
                  note=_note(esc, row) + as_deputy_note(deputy_for))
    return esc


def correct(user: User, esc: Escalation, step_id: int, data: DecisionInput, now: datetime) -> Escalation:
    """Replace a wrong step by a corrected one (the reason is required); the history keeps both."""
    deputy_for = check_actor(user, esc, "rätta beslut om")
    wrong = next((s for s in esc.steps if s.id == step_id), None)
    if wrong is None:
        raise ValidationFailed({"step_id": ["Steget finns inte i den här eskaleringen."]})
    if wrong.corrected_by is not None:
        raise TransitionRefused("Steget är redan rättat; rätta det senaste i stället.")
    if not data.reason:
        raise ValidationFailed({"reason": ["Skriv varför steget rättas."]})
    merged = DecisionInput(
        decision=data.decision or wrong.decision.value, step=data.step or wrong.step.value,
        reported_on=data.reported_on or wrong.reported_on,
        ivo_reference=data.ivo_reference or wrong.ivo_reference, reason=data.reason)
    decision, step = _check(esc, merged, now, ignoring=wrong)
    row = EscalationStep(decision=decision, step=step, reported_on=merged.reported_on,
                         ivo_reference=merged.ivo_reference, reason=merged.reason, at=now, by=user,
                         corrects=wrong)
    esc.steps.append(row)
    _summarise(esc, now)
    record_change(esc.case, "escalation_corrected", user, now, deputy_for=deputy_for,
                  note=f"Rättat steg: {_note(esc, row)}" + as_deputy_note(deputy_for))
    return esc


def _current(esc: Escalation, ignoring: EscalationStep | None = None) -> list[EscalationStep]:
    return [s for s in esc.steps if s.corrected_by is None and s is not ignoring]


def _summarise(esc: Escalation, now: datetime) -> None:
    """The escalation's own columns repeat its latest step (what lists and the forum read);
    a report's date and diarienummer carry on from the step that gave them."""
    current = _current(esc)
    latest = current[-1]
    esc.decision, esc.reason = latest.decision, latest.reason
    esc.decided_at, esc.decided_by = latest.at, latest.by
    esc.reported_on = next((s.reported_on for s in reversed(current) if s.reported_on), None)
    esc.ivo_reference = next((s.ivo_reference for s in reversed(current) if s.ivo_reference), None)
    concluding = latest.step is Step.CONCLUDED or latest.decision is Decision.NONE
    esc.concluded_at = (esc.concluded_at or now) if concluding else None


def _check(esc: Escalation, data: DecisionInput, now: datetime,
           ignoring: EscalationStep | None = None) -> tuple[Decision, Step]:
    """The rules of IVO and the agreement, each refusal saying which one blocks it."""
    errors: dict[str, list[str]] = {}
    try:
        decision = Decision(data.decision)
    except ValueError:
        raise ValidationFailed({"decision": ["Välj ett av besluten."]}) from None
    try:
        step = Step(data.step or Step.CONCLUDED)
    except ValueError:
        raise ValidationFailed({"step": ["Välj utreds, anmäld eller avslutad."]}) from None
    if decision in REPORTS:
        _check_report(esc, decision)
        earlier = any(s.reported_on for s in _current(esc, ignoring))
        if step is not Step.INVESTIGATING and data.reported_on is None and not earlier:
            errors["reported_on"] = ["Ange vilket datum anmälan gjordes till IVO."]
        elif data.reported_on is not None:
            if data.reported_on > workdays.local_date(now):
                errors["reported_on"] = ["Anmälningsdatumet kan inte ligga i framtiden."]
            elif data.reported_on < workdays.local_date(esc.case.reported_at):
                errors["reported_on"] = ["Anmälan kan inte ha gjorts innan ärendet rapporterades."]
    elif step is Step.REPORTED:
        errors["step"] = ["Bara Lex Maria och Lex Sarah anmäls till IVO."]
    elif data.reported_on or data.ivo_reference:
        errors["reported_on"] = ["Anmälningsdatum och diarienummer hör till Lex Maria och Lex Sarah."]
    if data.ivo_reference and len(data.ivo_reference) > IVO_REFERENCE_MAX:
        errors["ivo_reference"] = [f"Högst {IVO_REFERENCE_MAX} tecken."]
    if decision is Decision.NONE and not data.reason:
        errors["reason"] = ["Skriv varför ingen anmälan eller utredning görs."]
    if errors:
        raise ValidationFailed(errors)
    return decision, step


def _check_report(esc: Escalation, decision: Decision) -> None:
    own = esc.organisation_id == esc.case.receiver_organisation_id or esc.trigger is Trigger.OWN_ACTIVITY
    if not own:
        raise TransitionRefused(
            "Bara den organisation vars verksamhet ärendet gäller (normalt mottagaren) kan anmäla "
            "enligt Lex Maria eller Lex Sarah. Er organisation kan registrera en egen intern "
            "utredning, eller eskalera ärendet för den egna verksamheten om den bidrog."
        )
    if decision is Decision.LEX_SARAH and esc.role is not Role.SAS:
        raise TransitionRefused(
            "Lex Sarah gäller kommunens socialtjänst (SoL/LSS) och registreras av SAS, "
            "inte av MAS eller chefsläkare."
        )
    if decision is Decision.LEX_MARIA and esc.role is Role.SAS:
        raise TransitionRefused("Lex Maria gäller hälso- och sjukvård och registreras av MAS eller chefsläkare.")


def _note(esc: Escalation, row: EscalationStep) -> str:
    note = f"{role_name(esc.role)} i {esc.organisation.name}: {row.decision.label}, {row.step.label}"
    if row.reported_on:
        note += f", anmäld {row.reported_on.isoformat()}"
    if row.ivo_reference:
        note += f", IVO dnr {row.ivo_reference}"
    return note + "."


def as_deputy_note(absent: User | None) -> str:
    """" Som ersättare för Anna Andersson." after a step's note, when a deputy took it."""
    return f" Som ersättare för {absent.full_name or absent.username}." if absent else ""
