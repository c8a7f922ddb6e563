"""Routing: a submitted case reaches the receiving organisation and its clock starts."""
from datetime import datetime

from sqlalchemy import select

from avvikelse import agreements
from avvikelse.accounts.models import Role, User, UserRole
from avvikelse.cases.inputs import ActionInput
from avvikelse.cases.models import Case
from avvikelse.cases.services import perform
from avvikelse.cases.transitions import TRANSITIONS, Action
from avvikelse.core.workdays import due_moment
from avvikelse.extensions import db


def route_case(reference: str, now: datetime) -> bool:
    """Idempotent: a case already routed is left alone. Returns whether it moved."""
    case = db.session.scalar(select(Case).where(Case.reference == reference).with_for_update())
    if case is None or case.status not in TRANSITIONS[Action.ROUTE].sources:
        return False
    # Calendar days (the agreement's, else the installation's), but a due day off
    # (weekend, holiday) moves to the next working day.
    case.due_at = due_moment(now, agreements.rules_for(case).answer_due_days)
    where = case.receiver_organisation.name
    if case.receiver_unit:
        where = f"{where}, {case.receiver_unit.name}"
    perform(None, case, Action.ROUTE, ActionInput(note=f"Mottagen av {where}"), now)
    return True


def receiving_handlers(case: Case) -> list[User]:
    """The receiving unit's handlers, or the intake's when no unit is named or the unit
    has none: a case must always reach someone."""
    handlers = _handlers(case.receiver_organisation_id)
    if case.receiver_unit_id is not None:
        unit_handlers = [u for u in handlers if case.receiver_unit_id in u.unit_ids]
        if unit_handlers:
            return unit_handlers
    return [u for u in handlers if not u.units]


def sending_handlers(case: Case) -> list[User]:
    """The sending unit's handlers, or the sending organisation's intake."""
    handlers = _handlers(case.sender_organisation_id)
    unit_handlers = [u for u in handlers if case.sender_unit_id in u.unit_ids]
    return unit_handlers or [u for u in handlers if not u.units]


def _handlers(organisation_id: int) -> list[User]:
    stmt = (
        select(User)
        .join(UserRole)
        .where(User.organisation_id == organisation_id, User.active, UserRole.role == Role.HANDLER)
        .order_by(User.id)
    )
    return list(db.session.scalars(stmt).unique())


def mailbox_for(case: Case, people: list[User]) -> str | None:
    """The functional mailbox that gets the routing mail when none of `people` (the
    receiving handlers) has an e-mail address: the receiving unit's, else the intake's."""
    if any(p.email for p in people):
        return None
    if case.receiver_unit is not None and case.receiver_unit.mailbox:
        return case.receiver_unit.mailbox
    return case.receiver_organisation.mailbox
