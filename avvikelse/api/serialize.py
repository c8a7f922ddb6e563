"""Cases as JSON: codes for organisations and units, ISO 8601 UTC for times.

The patient's identity appears only for a caller `can_see_patient` allows; summaries
(lists) carry no free text at all, so only a read of the whole case, which the policy
logs, can show what a person wrote.
"""
from avvikelse.accounts.models import User
from avvikelse.cases import categories, links, patient
from avvikelse.cases.models import Answer, Case, CaseEvent, Measure, Message
from avvikelse.cases.policy import can_read, can_see_patient
from avvikelse.cases.services import available_actions
from avvikelse.core import personnummer
from avvikelse.core.clock import iso, now_utc
from avvikelse.core.workdays import local_date
from avvikelse.escalation import services as escalation_services
from avvikelse.escalation.models import Escalation
from avvikelse.learning import investigations as learning_investigations
from avvikelse.learning import policy as learning_policy
from avvikelse.learning.measures import is_overdue
from avvikelse.learning.models import Investigation, LearningSummary


def _value(member) -> str | None:
    """An enum's code; a freshly filed case still holds the plain strings it was given."""
    return str(member) if member is not None else None


def _code(row) -> str | None:
    return row.code if row is not None else None


def _username(user: User | None) -> str | None:
    return user.username if user is not None else None


def summary(case: Case) -> dict:
    return {
        "reference": case.reference,
        "kind": _value(case.kind),
        "event_type": _value(case.event_type),
        "status": _value(case.status),
        "sender_organisation": _code(case.sender_organisation),
        "sender_unit": _code(case.sender_unit),
        "receiver_organisation": _code(case.receiver_organisation),
        "receiver_unit": _code(case.receiver_unit),
        "category": case.category,
        "activity": _value(case.activity),
        "consequence": case.consequence,
        "probability": case.probability,
        "risk": case.risk,
        "serious": case.serious,
        "reported_at": iso(case.reported_at),
        "due_at": iso(case.due_at),
        "outcome": _value(case.outcome),
        # who is on it at the receiver (a username), or null
        "owner": _username(case.owner),
    }


def case_detail(case: Case, viewer: User, *, just_filed: bool = False) -> dict:
    """The whole case, for a viewer the policy let read it. `just_filed`: the case was
    filed in this request, whose transaction is still open, so no row of another table
    can refer to it yet: its escalations, links and investigations are known to be none
    and not asked for (its own collections the filing set as loaded)."""
    if just_filed:
        escalations, shown_links, investigations = [], [], []
    else:
        escalations = escalation_services.for_case(case)
        shown_links = links.links_for(viewer, case)
        investigations = learning_investigations.of_case(case)
    body = summary(case) | {
        "occurred_at": iso(case.occurred_at),
        "discovered_at": iso(case.discovered_at),
        "received_at": iso(case.received_at),
        "answered_at": iso(case.answered_at),
        "closed_at": iso(case.closed_at),
        # Retention: the identifier is gone, and the free text too unless kept for the forum.
        "deidentified_at": iso(case.deidentified_at),
        "free_text_removed": case.free_text_removed,
        "description": case.description,
        "immediate_action": case.immediate_action,
        "proposal": case.proposal,
        "reporter_role": case.reporter_role,
        "location_type": case.location_type,
        "care_phase": case.care_phase,
        "history": [event(row) for row in case.history],
        "messages": [message(row) for row in case.messages],
        "answer": answer(case.answer),
        "available_actions": [a.value for a in available_actions(viewer, case)],
        "escalations": [escalation_json(e) for e in escalations],
        # Everyone on the case is warned: nothing about this patient may be given out.
        "patient_protected": case.patient_protected,
        "direct_contacts": [{"with": d.with_whom, "at": iso(d.at), "recorded_by": _username(d.recorded_by)}
                            for d in case.direct_contacts],
        "agreement": agreement(case),
        # Linked cases: a case the caller may not see is there, without its reference.
        "links": [link(row) for row in shown_links],
        "merged_into": (case.merged_into.reference if case.merged_into is not None
                        and can_read(viewer, case.merged_into) else None),
        # Investigations covering the case: that they exist, and how they stand.
        "investigations": [{"id": inv.id, "status": str(inv.status), "joint": inv.joint,
                            "lead_organisation": inv.lead_organisation.code}
                           for inv in investigations],
    }
    if case.kind == "complaint":
        body |= {"complainant": _value(case.complainant),
                 "complaint_acknowledged_on": iso(case.complaint_acknowledged_on),
                 "complainant_replied_on": iso(case.complainant_replied_on),
                 "complaint_reply_due_on": iso(case.complaint_reply_due_on)}
    if can_see_patient(viewer, case):
        if case.patient_id_encrypted is not None:
            body |= _patient(case)
        if case.complainant_contact_encrypted is not None:
            body |= _patient(case) | {"complainant_contact": patient.reveal_complainant(case)}
    return body


def agreement(case: Case) -> dict:
    """The agreement version the case was filed under, and its category's clause there."""
    shown = categories.of_case(case)
    return {"version": shown.version, "clause": shown.clause}


def _patient(case: Case) -> dict:
    identity = patient.reveal(case)
    shared = {"patient_shared_basis": case.patient_shared_basis,
              "patient_shared_with": _code(case.patient_shared_with),
              "patient_shared_note": case.patient_shared_note}
    if identity is None:
        return shared
    if case.patient_id_unvalidated:  # a reservnummer is not a personnummer: keep apart
        return {"patient_reserve_id": identity, **shared}
    return {"patient_id": patient.display(identity), **shared}


def event(row: CaseEvent) -> dict:
    return {
        "at": iso(row.at),
        "actor": _username(row.actor),
        "action": row.action,
        "from_status": _value(row.from_status),
        "to_status": _value(row.to_status),
        "note": row.note,
    }


def message(row: Message) -> dict:
    return {
        "at": iso(row.at),
        "author": _username(row.author),
        "organisation": _code(row.author.organisation),
        "body": row.body,
    }


def answer(row: Answer | None) -> dict | None:
    if row is None:
        return None
    return {
        "confirmed": _value(row.confirmed),
        "analysis": row.analysis,
        "patient_informed": row.patient_informed,
        "measures": [{"id": m.id, "text": m.text, "owner": m.owner, "due_on": iso(m.due_on),
                      "owner_organisation": _code(m.owner_organisation), "status": str(m.status)}
                     for m in row.measures],
        "at": iso(row.at),
        "author": _username(row.author),
    }


def escalation_json(esc: Escalation, masked: bool = False) -> dict:
    """`masked`: outside the case itself, a personnummer written into a reason before free
    text was checked is shown as "[personnummer]"."""
    reason = personnummer.mask(esc.reason, now_utc().date()) if masked else esc.reason
    return {
        "id": esc.id,
        "case": esc.case.reference,
        "trigger": esc.trigger.value,
        "role": esc.role.value,
        "organisation": esc.organisation.code,
        "opened_at": iso(esc.opened_at),
        "acknowledge_by": iso(esc.ack_due_at),
        "acknowledged_at": iso(esc.acknowledged_at),
        # The latest step's (its report date and diarienummer carried on from earlier steps).
        "decision": esc.decision.value if esc.decision else None,
        "step": esc.step.value if esc.step else None,
        "reported_on": iso(esc.reported_on),
        "ivo_reference": esc.ivo_reference,
        "reason": reason,
        "decided_at": iso(esc.decided_at),
        "concluded_at": iso(esc.concluded_at),
        "steps": [_step(s, masked) for s in esc.steps],
    }


def _step(row, masked: bool) -> dict:
    reason = personnummer.mask(row.reason, now_utc().date()) if masked else row.reason
    return {"id": row.id, "decision": row.decision.value, "step": row.step.value,
            "at": iso(row.at), "by": _username(row.by), "reported_on": iso(row.reported_on),
            "ivo_reference": row.ivo_reference, "reason": reason, "corrects": row.corrects_id}


def link(row: links.ShownLink) -> dict:
    return {"kind": str(row.kind), "reference": row.reference, "direction": row.direction}


def measure(row: Measure, viewer: User) -> dict:
    return {
        "id": row.id,
        "text": row.text,
        "owner": row.owner,
        "owner_organisation": _code(row.owner_organisation),
        "owner_user": _username(row.owner_user),
        "due_on": iso(row.due_on),
        "status": str(row.status),
        "note": row.status_note,
        "done_on": iso(row.done_on),
        "overdue": is_overdue(row, local_date(now_utc())),
        "effect_due_on": iso(row.effect_due_on),
        "effect_checked_on": iso(row.effect_checked_on),
        "effect": row.effect,
        "patient_informed_on": iso(row.patient_informed_on),
        # The case it concerns, when the caller may see it; the investigation it came from.
        "case": row.case.reference if can_read(viewer, row.case) else None,
        "investigation": row.investigation_id,
        "created_at": iso(row.created_at),
    }


def investigation_summary(inv: Investigation) -> dict:
    return {"id": inv.id, "title": inv.title, "status": str(inv.status), "joint": inv.joint,
            "lead_organisation": inv.lead_organisation.code, "opened_at": iso(inv.opened_at),
            "due_on": iso(inv.due_on), "finished_at": iso(inv.finished_at)}


def investigation(inv: Investigation, viewer: User) -> dict:
    """The whole investigation, for someone the investigation policy lets see it (the
    caller read it through investigations.get_for, which logged the read)."""
    return investigation_summary(inv) | {
        "lead": _username(inv.lead),
        "submitted_at": iso(inv.submitted_at),
        "closed_reason": inv.closed_reason,
        "cases": [c.reference if can_read(viewer, c) else None for c in inv.cases],
        "participants": [{"username": p.user.username, "organisation": _code(p.organisation)}
                         for p in inv.participants],
        "timeline": [{"id": e.id, "at": iso(e.happened_at), "text": e.text, "author": _username(e.author)}
                     for e in inv.timeline],
        "factors": [{"id": f.id, "area": str(f.area), "clause": f.clause.code if f.clause else None,
                     "text": f.text} for f in inv.factors],
        "root_causes": [{"id": r.id, "text": r.text} for r in inv.root_causes],
        "conclusion": inv.conclusion,
        "measures": [measure(m, viewer) for m in inv.measures],
        "may_edit": learning_policy.can_edit(viewer, inv),
        "may_name_participants": learning_policy.may_name(viewer, inv) and inv.running,
    }


def summary_json(row: LearningSummary) -> dict:
    from avvikelse.learning.summaries import shown

    return shown(row) | {"status": str(row.status),
                         "approved_by": [_code(a.organisation) for a in row.approvals]}
