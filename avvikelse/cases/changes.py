"""The one way a case changes: its row, its history row, its access-log row, its event.

Filing, every action of the transitions table, escalation steps and imports call
`record_change`, with or without a new status. The event it emits, `case.<action>`, is
what the rest of the system hears; what follows each kind (routing, notices, mail,
webhooks) is listed in avvikelse/events.py and nowhere else.
"""
from datetime import datetime

from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from avvikelse.accounts.models import User
from avvikelse.audit.services import log_access
from avvikelse.cases.enums import Status
from avvikelse.cases.models import Case, CaseEvent
from avvikelse.cases.policy import acting_for, can_see_patient
from avvikelse.core import outbox
from avvikelse.extensions import db


def record_change(case: Case, action: str, actor: User | None, now: datetime, *,
                  status: Status | None = None, note: str | None = None,
                  event: str | None = None, announce: bool = True,
                  access: str = "change", deputy_for: User | None = None) -> CaseEvent:
    """Write the change the caller made to `case`: set `status` when it changes, add the
    history row, log a person's change as a PDL access (`access`: "change", or "share"
    and "unshare" for the identity), and emit `event` (by default `case.<action>`) unless
    `announce` is false. The caller flushes or commits. A person who may act only as an
    absent person's deputy is logged as acting for them (`deputy_for`, else the case
    policy's `acting_for`).

    The event carries the reference and the history row's codes, never free text, so
    the case, the history row and the event go to the database in one flush.
    """
    before = case.status
    case.status = status if status is not None else before
    row = CaseEvent(case=case, at=now, actor=actor, action=action,
                    from_status=before, to_status=case.status, note=note)
    db.session.add(row)
    # Filing and import create the case (no status before): that is not an access to it.
    if actor is not None and before is not None:
        log_access(actor, access, case, identified=can_see_patient(actor, case),
                   deputy_for=deputy_for or acting_for(actor, case))
    if announce:
        outbox.emit(event or f"case.{action}", reference=case.reference, action=action,
                    from_status=_code(before), to_status=_code(case.status),
                    actor_id=actor.id if actor is not None else None, at=now.isoformat())
    return row


def record_first_status(case: Case, action: str, actor: User | None, now: datetime, *,
                        event: str) -> None:
    """`record_change` for a case the caller has just written with its first status
    (filing): the same history row and event, as two plain INSERTs, not through the
    unit of work (for those two mappers it cost more than the statements themselves).
    The row is the case's whole history, so it is attached as loaded and set as the
    case's loaded history: the case's JSON reads it back without a statement. No access
    is logged, as for any creation; the case's row is already in the database, so its id
    is known."""
    values = {"case_id": case.id, "at": now, "actor_id": actor.id if actor is not None else None,
              "action": action, "from_status": None, "to_status": case.status, "note": None}
    table = CaseEvent.__table__
    row = CaseEvent(id=db.session.execute(table.insert().returning(table.c.id), values).scalar_one(),
                    **values)
    make_transient_to_detached(row)
    db.session.add(row)
    set_committed_value(case, "history", [row])
    outbox.emit_many(event, [{
        "reference": case.reference, "action": action, "from_status": None,
        "to_status": _code(case.status), "actor_id": actor.id if actor is not None else None,
        "at": now.isoformat()}])


def record_system_changes(cases: list[tuple[int, str]], action: str, now: datetime, *,
                          from_status: Status, to_status: Status, note: str | None = None) -> None:
    """`record_change` for many cases the system moved from one status to another in one
    statement of its own (the clock pass closing answered cases): (id, reference) of each
    case, already changed. The same history rows and `case.<action>` events, one INSERT
    each instead of a flush per case; no access is logged, as for any change by the system."""
    if not cases:
        return
    db.session.execute(CaseEvent.__table__.insert(), [
        {"case_id": case_id, "at": now, "actor_id": None, "action": action, "from_status": from_status,
         "to_status": to_status, "note": note} for case_id, _reference in cases])
    outbox.emit_many(f"case.{action}", [
        {"reference": reference, "action": action, "from_status": _code(from_status),
         "to_status": _code(to_status), "actor_id": None, "at": now.isoformat()}
        for _case_id, reference in cases])


def _code(status: Status | None) -> str | None:
    return str(status) if status is not None else None


def changed_at(payload: dict) -> datetime:
    """When the change an event announces happened: its handler may run much later."""
    return datetime.fromisoformat(payload["at"])
