"""Disputes on the forum's agenda: cases whose sender did not accept the second answer.

The forum sees each de-identified: codes, parties, dates, how the receiver confirmed in
its two answers, and the sender's reasons (written for the forum, any personnummer
masked) — never the patient, the description or the receiver's analysis. Its conclusion
closes the case with the outcome `settled_in_forum`, through the transitions table.
"""
from datetime import datetime

from sqlalchemy import or_, select

from avvikelse.accounts.models import Role, User
from avvikelse.cases.enums import Status
from avvikelse.cases.inputs import ActionInput
from avvikelse.cases.models import Case
from avvikelse.cases.services import perform
from avvikelse.cases.transitions import Action
from avvikelse.core import personnummer
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import NotFound, ValidationFailed
from avvikelse.directory.services import organisation_ids_in
from avvikelse.extensions import db

NOT_FOUND = "Tvisten finns inte på forumets dagordning."


def may_settle(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.FORUM)


def _of_county(county: str):
    """A samverkan's disputes: cases one of whose organisations is in its county (a case
    between two counties is on both forums' agenda; either may settle it)."""
    ids = organisation_ids_in((county,))
    return or_(Case.sender_organisation_id.in_(ids), Case.receiver_organisation_id.in_(ids))


def agenda(county: str) -> list[Case]:
    return list(db.session.scalars(
        select(Case).where(Case.status == Status.IN_FORUM, _of_county(county)).order_by(Case.reported_at, Case.id)))


def get_dispute(reference: str, county: str) -> Case:
    case = db.session.scalar(select(Case).where(Case.reference == reference, Case.status == Status.IN_FORUM,
                                                _of_county(county)))
    if case is None:
        raise NotFound(NOT_FOUND)
    return case


def summary(case: Case) -> dict:
    """What the forum may see of a dispute."""
    today = now_utc().date()
    reasons = {row.action: personnummer.mask(row.note, today) for row in case.history
               if row.action in ("dispute", "disagree")}
    return {
        "reference": case.reference, "kind": str(case.kind), "category": case.category,
        "activity": str(case.activity), "event_type": str(case.event_type),
        "consequence": case.consequence, "risk": case.risk, "serious": case.serious,
        "sender_organisation": case.sender_organisation.code,
        "receiver_organisation": case.receiver_organisation.code,
        "reported_at": case.reported_at, "answered_at": case.answered_at,
        "answers": [str(a.confirmed) for a in case.answers],
        "dispute_reason": reasons.get("dispute"), "disagreement_reason": reasons.get("disagree"),
    }


def settle(user: User, case: Case, conclusion: str | None, now: datetime) -> Case:
    if not may_settle(user):
        raise NotFound(NOT_FOUND)
    if not conclusion:
        raise ValidationFailed({"conclusion": ["Skriv forumets slutsats."]})
    return perform(user, case, Action.SETTLE, ActionInput(note=conclusion), now)
