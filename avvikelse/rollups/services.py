"""Keeping the rollups: one case at a time from the events, and a recount from the cases.

`cell_of` (Python, for one case) and `cell_columns` (SQL, for all of them) say the same
thing twice; the recount proves they agree, and the property test proves the events keep
the counters equal to a recount.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import String, and_, case, delete, func, insert, literal, or_, select, text, type_coerce, update

from avvikelse.cases.models import Case
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.forum.periods import Period, quarter_of
from avvikelse.rollups.models import DIMENSIONS, NATIONAL, RollupChange, RollupCount, RollupMark

log = logging.getLogger(__name__)


def _answer(case_: Case) -> str:
    if case_.answered_at is None:
        return "unanswered"
    return "in_time" if case_.due_at is not None and case_.answered_at <= case_.due_at else "late"


def _value(member) -> str:
    """An enum member's value; a service may have set the plain value before a flush."""
    return getattr(member, "value", member)


def cell_of(case_: Case) -> dict:
    """The cell a case counts in, from its current values."""
    return {
        "quarter": quarter_of(case_.reported_at).label,
        "sender_organisation_id": case_.sender_organisation_id,
        "receiver_organisation_id": case_.receiver_organisation_id,
        "agreement_version_id": case_.agreement_version_id or 0,
        "category": case_.category,
        "kind": _value(case_.kind),
        "event_type": _value(case_.event_type),
        "consequence": int(case_.consequence),
        "probability": int(case_.probability),
        "serious": bool(case_.serious),
        "status": _value(case_.status),
        "outcome": _value(case_.outcome) if case_.outcome is not None else "",
        "answer": _answer(case_),
    }


def _quarters(start, end) -> list[Period]:
    first, last = quarter_of(start), quarter_of(end)
    found = [first]
    while found[-1] != last:
        q = found[-1]
        found.append(Period(q.year + 1, 1) if q.quarter == 4 else Period(q.year, q.quarter + 1))
    return found


def cell_columns(quarters: list[Period]) -> list:
    """The same cell in SQL, for every case reported within `quarters`. Kind, event
    type, status and outcome are stored as their values (non-native enums)."""
    raw = Case.__table__.c
    answer = case((raw.answered_at.is_(None), literal("unanswered")),
                  (and_(raw.due_at.is_not(None), raw.answered_at <= raw.due_at), literal("in_time")),
                  else_=literal("late"))
    return [
        case(*[(raw.reported_at < q.end, literal(q.label)) for q in quarters], else_=literal("")).label("quarter"),
        raw.sender_organisation_id, raw.receiver_organisation_id,
        func.coalesce(raw.agreement_version_id, 0).label("agreement_version_id"),
        raw.category, type_coerce(raw.kind, String).label("kind"),
        type_coerce(raw.event_type, String).label("event_type"), raw.consequence, raw.probability, raw.serious,
        type_coerce(raw.status, String).label("status"),
        func.coalesce(type_coerce(raw.outcome, String), "").label("outcome"), answer.label("answer"),
    ]


def _matches(model, cell: dict):
    return and_(*[getattr(model, name) == cell[name] for name in DIMENSIONS])


def _add(cell: dict, n: int) -> None:
    done = db.session.execute(update(RollupCount).where(_matches(RollupCount, cell))
                              .values(n=RollupCount.n + n)).rowcount
    if not done:
        db.session.execute(insert(RollupCount).values(**cell, n=n))


def follow(case_: Case) -> bool:
    """Move the case to the cell its values name now; False when it is there already
    (an event seen again, or a change that moves no count)."""
    new = cell_of(case_)
    mark = db.session.get(RollupMark, case_.id, with_for_update=True)
    old = None
    if mark is not None:
        old = {name: getattr(mark, name) for name in DIMENSIONS}
        if old == new:
            return False
        _add(old, -1)
        for name, value in new.items():
            setattr(mark, name, value)
    else:
        db.session.add(RollupMark(case_id=case_.id, **new))
    _add(new, 1)
    if old is None or any(old[name] != new[name] for name in NATIONAL):
        # the national counts of both quarters moved: logged with the move, for the
        # workers that keep the stored national releases (national/stored.py)
        quarters = {new["quarter"]} | ({old["quarter"]} if old else set())
        at = now_utc()
        db.session.execute(insert(RollupChange), [{"quarter": q, "logged_at": at} for q in sorted(quarters)])
    db.session.flush()
    return True


def on_case_event(payload: dict, key: str) -> None:
    """The handler that follows every `case.*` event (avvikelse/events.py)."""
    # The case's row locked and read afresh: two events of one case handled at once by
    # two workers take turns, and the later one sees the other's committed values.
    found = db.session.scalar(select(Case).where(Case.reference == payload["reference"])
                              .with_for_update(of=Case).execution_options(populate_existing=True))
    if found is not None:
        follow(found)


# -- reading ------------------------------------------------------------------------------

def counts(quarters: list[Period], *dimensions: str, where=()) -> list[tuple]:
    """(quarter, *dimensions, n) summed over every other dimension, for `quarters`."""
    columns = [getattr(RollupCount, name) for name in dimensions]
    stmt = (select(RollupCount.quarter, *columns, func.sum(RollupCount.n))
            .where(RollupCount.quarter.in_([q.label for q in quarters]), RollupCount.n != 0, *where)
            .group_by(RollupCount.quarter, *columns))
    return [tuple(row) for row in db.session.execute(stmt)]


# -- the nightly recount ------------------------------------------------------------------

@dataclass
class Recount:
    cases: int
    cells: int
    #: cells whose counter differed from the recount (missing, extra or wrong)
    cells_differing: int
    #: cases whose mark named another cell than their values, or had none, and marks of no case
    marks_differing: int

    @property
    def repaired(self) -> bool:
        return bool(self.cells_differing or self.marks_differing)

    def as_dict(self) -> dict:
        return {"cases": self.cases, "cells": self.cells, "cells_differing": self.cells_differing,
                "marks_differing": self.marks_differing, "repaired": self.repaired}


def _lock() -> None:
    """Events wait while the recount runs, so none is applied to a mark being rebuilt."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE rollup_marks, rollup_counts IN SHARE ROW EXCLUSIVE MODE"))


def count_all() -> None:
    """Count every case afresh, comparing nothing (the demo's invented cases bypass the
    events by design: a difference there is expected, not drift to report)."""
    _lock()
    rebuild(_all_columns()[0])


def _all_columns() -> tuple[list, int]:
    """The cell columns over every quarter any case falls in (none without cases), and
    how many cases there are."""
    first, last, total = db.session.execute(select(func.min(Case.reported_at), func.max(Case.reported_at),
                                                   func.count(Case.id))).one()
    return (cell_columns(_quarters(_aware(first), _aware(last))) if total else []), total


def recount(repair: bool = True) -> Recount:
    """Compare the counters and marks with a full recount from the cases; rebuild both
    when anything differs (and `repair`). The caller commits."""
    _lock()
    columns, total = _all_columns()
    expected: dict[tuple, int] = {}
    if total:
        grouped = select(*columns, func.count()).group_by(*columns)
        expected = {tuple(row[:-1]): row[-1] for row in db.session.execute(grouped)}
    actual = {tuple(row[:-1]): row[-1] for row in db.session.execute(
        select(*[getattr(RollupCount, n) for n in DIMENSIONS], RollupCount.n).where(RollupCount.n != 0))}
    cells = sum(1 for key in expected.keys() | actual.keys() if expected.get(key, 0) != actual.get(key, 0))
    marks = _differing_marks(columns) if total else db.session.scalar(select(func.count()).select_from(RollupMark))
    found = Recount(total, len(expected), cells, marks)
    if found.repaired:
        log.warning("rollups differed from a recount: %s", found.as_dict())
        if repair:
            rebuild(columns)
    return found


def _differing_marks(columns: list) -> int:
    raw = Case.__table__.c
    differs = [getattr(RollupMark, name) != column for name, column in zip(DIMENSIONS, columns, strict=True)]
    wrong = db.session.scalar(select(func.count()).select_from(Case.__table__)
                              .outerjoin(RollupMark, RollupMark.case_id == raw.id)
                              .where(or_(RollupMark.case_id.is_(None), *differs)))
    orphans = db.session.scalar(select(func.count()).select_from(RollupMark).where(
        ~select(raw.id).where(raw.id == RollupMark.case_id).exists()))
    return (wrong or 0) + (orphans or 0)


def rebuild(columns: list) -> None:
    """Counters and marks from the cases, in two set-based statements each."""
    db.session.execute(delete(RollupMark))
    db.session.execute(delete(RollupCount))
    if not columns:
        return
    raw = Case.__table__.c
    db.session.execute(insert(RollupMark).from_select(["case_id", *DIMENSIONS], select(raw.id, *columns)))
    marks = [getattr(RollupMark, name) for name in DIMENSIONS]
    db.session.execute(insert(RollupCount).from_select([*DIMENSIONS, "n"],
                                                       select(*marks, func.count()).group_by(*marks)))


def _aware(value):
    """SQLite's min() and max() lose the column's type."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
