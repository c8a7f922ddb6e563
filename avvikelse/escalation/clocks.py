"""One pass of the answer clock and the acknowledgement clock.

Safe to run twice at once and to run late:
- each step a case can reach (reminder 7 days before, reminder on the due day, 7 days
  overdue) is a row in `clock_steps` under a unique key, inserted *before* anything is
  sent; a pass that loses the insert to another does nothing for that case;
- a pass picks per case only the latest step that applies now, and records the earlier
  ones as passed over, so a pass after a gap never sends a stale reminder;
- a re-notification is claimed by a conditional UPDATE that only one pass can win.
The pass only records and emits outbox events; the handlers tell people.

Cost: three range scans on the (status, due_at) index, one per step, each bounded to
the cases whose step falls due; the ledger check is an indexed anti-join. Cases far
from their due day are never read.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, exists, select, update

from avvikelse.cases.enums import ANSWER_PENDING
from avvikelse.cases.models import Case
from avvikelse.core import outbox
from avvikelse.core import workdays
from avvikelse.escalation.models import ClockStep, Escalation
from avvikelse.core.sql import insert_new
from avvikelse.extensions import db

#: the answer clock runs while the receiver owes an answer
CLOCK_STATUSES = ANSWER_PENDING

REMINDER_BEFORE = "reminder_before"
REMINDER_DUE = "reminder_due"
OVERDUE = "overdue"
#: step name → rank; a case only ever moves up
RANKS = {REMINDER_BEFORE: 1, REMINDER_DUE: 2, OVERDUE: 3}


@dataclass
class PassResult:
    steps: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RANKS, 0))
    renotified: int = 0
    #: cases looked at: those with a step falling due and not yet taken
    candidates: int = 0

    def __str__(self) -> str:
        parts = [f"{name}: {count}" for name, count in self.steps.items()]
        return ", ".join([*parts, f"renotified: {self.renotified}", f"candidates: {self.candidates}"])


def step_windows(now: datetime) -> list[tuple[str, datetime | None, datetime]]:
    """Per step, the range of `due_at` for which it is the latest step that applies now:
    (name, lower bound inclusive or None, upper bound exclusive). Reminders go out on
    (Swedish) days; the overdue step at the exact hour."""
    cfg = current_app.config
    today = workdays.local_date(now)
    overdue_from = now - timedelta(days=cfg["OVERDUE_ESCALATION_DAYS"])
    # `due_at <= now - 7 d` as an exclusive bound: one microsecond later.
    overdue_until = overdue_from + timedelta(microseconds=1)
    due_until = workdays.start_of_day(today + timedelta(days=1))
    before_until = workdays.start_of_day(today + timedelta(days=1 + cfg["REMINDER_DAYS_BEFORE"]))
    return [
        (OVERDUE, None, overdue_until),
        (REMINDER_DUE, overdue_until, max(due_until, overdue_until)),
        (REMINDER_BEFORE, max(due_until, overdue_until), before_until),
    ]


def run_pass(now: datetime) -> PassResult:
    """Take every step that has fallen due by `now`, and re-notify late acknowledgements.
    Commits per batch: a pass is a job, not a request, and a crash mid-pass loses at
    most one batch, which the next pass takes again."""
    result = PassResult()
    batch = current_app.config["CLOCK_BATCH_SIZE"]
    for name, lower, upper in step_windows(now):
        due = _candidates(RANKS[name], lower, upper)
        result.candidates += len(due)
        for start in range(0, len(due), batch):
            result.steps[name] += _take(name, due[start:start + batch], now)
            db.session.commit()
    result.renotified = _renotify(now)
    db.session.commit()
    return result


def _candidates(rank: int, lower: datetime | None, upper: datetime) -> list[tuple]:
    return list(db.session.execute(_candidates_stmt(rank, lower, upper)))


def _candidates_stmt(rank: int, lower: datetime | None, upper: datetime):
    """Open cases whose due time lies in the window and that have no step of this rank
    or higher yet: a range scan on ix_cases_status_due, an index probe per case."""
    taken = exists().where(
        ClockStep.case_id == Case.id,
        ClockStep.received_at == Case.received_at,
        ClockStep.rank >= rank,
    )
    window = Case.due_at < upper if lower is None else and_(Case.due_at >= lower, Case.due_at < upper)
    return (
        select(Case.id, Case.received_at, Case.due_at)
        .where(Case.status.in_(CLOCK_STATUSES), window, Case.received_at.is_not(None), ~taken)
        # One global order (case, then step rank) for every pass's inserts: two
        # concurrent passes then wait on each other's rows, never deadlock.
        .order_by(Case.id)
    )


def _take(name: str, cases: list[tuple], now: datetime) -> int:
    """Claim the step for each case (and mark the lower ones passed over); emit one
    event per step this pass won. Returns how many it won."""
    rank = RANKS[name]
    rows = [
        dict(case_id=case_id, received_at=received_at, step=step, rank=r, at=now,
             due_at=due_at, sent=(step == name))
        for case_id, received_at, due_at in cases
        for step, r in RANKS.items() if r <= rank
    ]
    won = insert_new(ClockStep, rows, ("case_id", "received_at", "step"))
    mine = [step_id for step_id, _case, _received, step in won if step == name]
    for step_id in mine:
        outbox.emit("clock.step", step_id=step_id)
    return len(mine)


def _renotify(now: datetime) -> int:
    """Escalations not acknowledged in time: claim each once, then the handler tells
    the holders again and their deputies."""
    stmt = (
        update(Escalation)
        .where(
            Escalation.acknowledged_at.is_(None),
            Escalation.renotified_at.is_(None),
            Escalation.decided_at.is_(None),
            Escalation.ack_due_at <= now,
        )
        .values(renotified_at=now)
        .returning(Escalation.id)
        .execution_options(synchronize_session=False)
    )
    ids = list(db.session.scalars(stmt))
    for escalation_id in ids:
        outbox.emit("escalation.renotify", escalation_id=escalation_id, at=now.isoformat())
    return len(ids)
