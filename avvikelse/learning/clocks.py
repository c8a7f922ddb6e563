"""The learning clock: a running investigation's deadline and an open measure's due day,
each reminded before and on the day and escalated when overdue, exactly once.

As the answer clock (escalation/clocks.py): every step a subject can reach is a row in
`learning_clock_steps` under a unique key (subject, id, due day, step), inserted before
anything is sent; a pass takes per subject only the latest step that applies now and
records the earlier ones as passed over; a due day that moves starts afresh. The pass
records and emits `learning.clock_step`; handlers.clock_step tells people.

Days: INVESTIGATION_REMINDER_DAYS_BEFORE / MEASURE_REMINDER_DAYS_BEFORE before the due
day, on it, and INVESTIGATION_OVERDUE_ESCALATION_DAYS / MEASURE_OVERDUE_ESCALATION_DAYS
after it (Swedish dates).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select

from avvikelse.cases.models import Measure
from avvikelse.core import outbox, workdays
from avvikelse.core.sql import insert_new
from avvikelse.extensions import db
from avvikelse.learning.enums import RUNNING
from avvikelse.learning.measures import OPEN
from avvikelse.learning.models import Investigation, LearningClockStep

REMINDER_BEFORE = "reminder_before"
REMINDER_DUE = "reminder_due"
OVERDUE = "overdue"
RANKS = {REMINDER_BEFORE: 1, REMINDER_DUE: 2, OVERDUE: 3}
INVESTIGATION = "investigation"
MEASURE = "measure"


@dataclass
class PassResult:
    steps: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        return ", ".join(f"{k}: {v}" for k, v in sorted(self.steps.items())) or "inga steg"


def windows(today: date, before_days: int, overdue_days: int) -> list[tuple[str, date | None, date]]:
    """Per step, the due days for which it is the latest step that applies today:
    (name, first day inclusive or None, last day exclusive)."""
    overdue_until = today - timedelta(days=overdue_days) + timedelta(days=1)
    due_until = today + timedelta(days=1)
    before_until = today + timedelta(days=1 + before_days)
    return [
        (OVERDUE, None, overdue_until),
        (REMINDER_DUE, overdue_until, max(due_until, overdue_until)),
        (REMINDER_BEFORE, max(due_until, overdue_until), before_until),
    ]


def _subjects():
    cfg = current_app.config
    return [
        (INVESTIGATION, Investigation, Investigation.status.in_(RUNNING),
         cfg["INVESTIGATION_REMINDER_DAYS_BEFORE"], cfg["INVESTIGATION_OVERDUE_ESCALATION_DAYS"]),
        (MEASURE, Measure, Measure.status.in_(OPEN),
         cfg["MEASURE_REMINDER_DAYS_BEFORE"], cfg["MEASURE_OVERDUE_ESCALATION_DAYS"]),
    ]


def run_pass(now: datetime) -> PassResult:
    """Take every step that has fallen due by `now`; commits per batch."""
    result = PassResult()
    today = workdays.local_date(now)
    batch = current_app.config["CLOCK_BATCH_SIZE"]
    for subject, model, still_open, before, overdue in _subjects():
        for name, lower, upper in windows(today, before, overdue):
            taken = exists().where(LearningClockStep.subject == subject, LearningClockStep.subject_id == model.id,
                                   LearningClockStep.due_on == model.due_on,
                                   LearningClockStep.rank >= RANKS[name])
            stmt = select(model.id, model.due_on).where(still_open, model.due_on < upper, ~taken)
            if lower is not None:
                stmt = stmt.where(model.due_on >= lower)
            due = list(db.session.execute(stmt.order_by(model.id)))
            won = 0
            for start in range(0, len(due), batch):
                won += _take(subject, name, due[start:start + batch], now)
                db.session.commit()
            result.steps[f"{subject}.{name}"] = won
    return result


def _take(subject: str, name: str, rows: list[tuple], now: datetime) -> int:
    rank = RANKS[name]
    values = [dict(subject=subject, subject_id=subject_id, due_on=due_on, step=step, rank=r, at=now,
                   sent=(step == name))
              for subject_id, due_on in rows for step, r in RANKS.items() if r <= rank]
    won = insert_new(LearningClockStep, values, ("subject", "subject_id", "due_on", "step"))
    mine = [step_id for step_id, _subject, _id, _due, step in won if step == name]
    for step_id in mine:
        outbox.emit("learning.clock_step", step_id=step_id)
    return len(mine)
