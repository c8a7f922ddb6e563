"""An organisation's own figures, per unit, category, event type and month or quarter.

Who sees what (`scope`): MAS, chefsläkare and SAS their whole organisation; a manager
(verksamhetschef, enhetschef) their units, or the whole organisation when they have none.
Within that nothing is suppressed. Every figure is about the reader's own side: what its
units filed, and what they received and how they answered. How the other organisation
answered the cases filed to it stays at the forum's level (forum/).

For a period (cases reported in it, Swedish time):
- filed: cases the organisation's units (in scope) filed;
- received: cases to them (to the organisation's intake, for the whole organisation);
- answered_in_time: received cases answered by their due time;
- overdue: received cases open and past due at the period's end (or now, while it runs);
- measures: measures in the latest answers to the received cases.
One grouped query per side and breakdown: nothing loops over cases.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, literal, select
from sqlalchemy.orm import aliased

from avvikelse.accounts.models import OVERSEERS, Role, User
from avvikelse.cases.categories import BY_CODE
from avvikelse.cases.enums import EventType, Status
from avvikelse.cases.models import Answer, Case, Measure
from avvikelse.directory.models import Unit
from avvikelse.extensions import db
from avvikelse.figures.periods import Span

METRICS = ("filed", "received", "answered_in_time", "overdue", "measures")
INTAKE = "intake"


@dataclass(frozen=True)
class Scope:
    organisation_id: int
    #: None: the whole organisation
    unit_ids: frozenset[int] | None


def may_read(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.MANAGER, *OVERSEERS)


def scope(user: User) -> Scope:
    if user.has_role(*OVERSEERS) or not user.units:
        return Scope(user.organisation_id, None)
    return Scope(user.organisation_id, frozenset(user.unit_ids))


def _filed(scope: Scope, span: Span) -> list:
    where = [Case.sender_organisation_id == scope.organisation_id,
             Case.reported_at >= span.start, Case.reported_at < span.end]
    if scope.unit_ids is not None:
        where.append(Case.sender_unit_id.in_(sorted(scope.unit_ids)))
    return where


def _received(scope: Scope, span: Span) -> list:
    where = [Case.receiver_organisation_id == scope.organisation_id,
             Case.reported_at >= span.start, Case.reported_at < span.end]
    if scope.unit_ids is not None:
        where.append(Case.receiver_unit_id.in_(sorted(scope.unit_ids)))
    return where


def _flag(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _bucket(steps: list[Span]):
    """Each case's step (month or quarter) from UTC edges: no timezone maths in SQL."""
    return case(*[(Case.reported_at < s.end, literal(s.label)) for s in steps], else_=literal(None))


def compute(scope: Scope, span: Span, now: datetime) -> dict:
    as_of = min(span.end, now)
    steps = span.steps()
    answered_in_time = and_(Case.answered_at.is_not(None), Case.due_at.is_not(None),
                            Case.answered_at <= Case.due_at)
    is_open = and_(Case.status != Status.WITHDRAWN, (Case.closed_at.is_(None)) | (Case.closed_at > as_of))
    overdue = and_(is_open, Case.due_at < as_of, (Case.answered_at.is_(None)) | (Case.answered_at > as_of))
    later = aliased(Answer)
    latest = ~exists().where(later.case_id == Answer.case_id, later.id > Answer.id)

    def breakdown(filed_key, received_key) -> dict:
        rows: dict = {}
        for key, n in db.session.execute(select(filed_key, func.count()).where(*_filed(scope, span))
                                         .group_by(filed_key)):
            rows.setdefault(key, dict.fromkeys(METRICS, 0))["filed"] = n
        stmt = (select(received_key, func.count(), _flag(answered_in_time), _flag(overdue))
                .where(*_received(scope, span)).group_by(received_key))
        for key, n, in_time, late in db.session.execute(stmt):
            row = rows.setdefault(key, dict.fromkeys(METRICS, 0))
            row.update(received=n, answered_in_time=in_time, overdue=late)
        measures = (select(received_key, func.count(Measure.id)).select_from(Case)
                    .join(Answer, Answer.case_id == Case.id).join(Measure, Measure.answer_id == Answer.id)
                    .where(*_received(scope, span), latest).group_by(received_key))
        for key, n in db.session.execute(measures):
            rows.setdefault(key, dict.fromkeys(METRICS, 0))["measures"] = n
        return rows

    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.organisation_id == scope.organisation_id))}
    # Both sides are the organisation's own units: filed by one, received by one (or by
    # the organisation's intake, no unit).
    by_unit = breakdown(Case.sender_unit_id, Case.receiver_unit_id)
    in_scope = sorted(scope.unit_ids) if scope.unit_ids is not None else list(units)
    for unit_id in in_scope:  # every unit in scope, with zeros: "nothing" is a figure too
        by_unit.setdefault(unit_id, dict.fromkeys(METRICS, 0))

    def unit_row(unit_id, row):
        unit = units.get(unit_id)
        return {"unit": unit.code if unit else INTAKE, "name": unit.name if unit else None, **row}

    by_category = breakdown(Case.category, Case.category)
    by_event_type = breakdown(Case.event_type, Case.event_type)
    bucket = _bucket(steps)
    by_step = breakdown(bucket, bucket)
    totals = {m: sum(row[m] for row in by_category.values()) for m in METRICS}
    return {
        "period": span.label,
        "step": span.step,
        "as_of": as_of.isoformat(),
        "totals": totals,
        "by_unit": sorted((unit_row(k, v) for k, v in by_unit.items()),
                          key=lambda r: (r["unit"] == INTAKE, r["name"] or "", r["unit"])),
        "by_category": [{"category": code, **by_category.get(code, dict.fromkeys(METRICS, 0))}
                        for code in BY_CODE if code in by_category] + [
            {"category": code, **row} for code, row in by_category.items() if code not in BY_CODE],
        "by_event_type": [{"event_type": str(t.value), **by_event_type[t]} for t in EventType if t in by_event_type],
        "by_period": [{"period": s.label, **by_step.get(s.label, dict.fromkeys(METRICS, 0))} for s in steps],
    }
