"""The one way an investigation or a measure changes: its history row, the person's
access-log rows, its outbox event.

`record_investigation_change` writes an `InvestigationEvent`, a "change" row in the
access log for each covered case (through the investigation: what is written there is
about those cases), and emits `investigation.<action>`. `record_measure_change` writes a
`MeasureEvent`, a "change" row for the measure's case, and emits `measure.<action>`.
Events carry ids and codes, never free text; what follows each kind is in
avvikelse/events.py. The caller flushes or commits.
"""
from datetime import datetime

from avvikelse.accounts.models import User
from avvikelse.audit.services import log_access
from avvikelse.cases.enums import MeasureStatus
from avvikelse.cases.models import Measure
from avvikelse.cases.policy import can_see_patient, sides
from avvikelse.core import outbox
from avvikelse.extensions import db
from avvikelse.learning.models import Investigation, InvestigationEvent, MeasureEvent


def record_investigation_change(inv: Investigation, action: str, actor: User | None, now: datetime, *,
                                note: str | None = None, announce: bool = True) -> InvestigationEvent:
    row = InvestigationEvent(investigation_id=inv.id, at=now, actor=actor, action=action, note=note)
    db.session.add(row)
    if actor is not None:
        for case in inv.cases:
            log_access(actor, "change", case=case, identified=False, via_investigation_id=inv.id)
    if announce:
        outbox.emit(f"investigation.{action}", investigation_id=inv.id, action=action,
                    status=str(inv.status), actor_id=actor.id if actor is not None else None,
                    at=now.isoformat())
    return row


def record_measure_change(measure: Measure, action: str, actor: User | None, now: datetime, *,
                          before: MeasureStatus | None = None, note: str | None = None,
                          announce: bool = True) -> MeasureEvent:
    row = MeasureEvent(measure=measure, at=now, actor=actor, action=action, from_status=before,
                       to_status=measure.status, note=note)
    db.session.add(row)
    if actor is not None:
        via = None if sides(actor, measure.case) else measure.investigation_id
        log_access(actor, "change", case=measure.case,
                   identified=can_see_patient(actor, measure.case), via_investigation_id=via)
    if announce:
        outbox.emit(f"measure.{action}", measure_id=measure.id, action=action, status=str(measure.status),
                    actor_id=actor.id if actor is not None else None, at=now.isoformat())
    return row
