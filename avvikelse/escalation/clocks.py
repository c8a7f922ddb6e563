"""One pass of the clocks: the receiver's answer (the first, and the second after a
dispute), the sender's information, the complainant's reply, the acknowledgement of an
escalation, a report to IVO still not made, and the answered case nobody reacts to.

Safe to run twice at once and to run late:
- each step a case can reach (reminder 7 days before, reminder on the due day, 7 days
  overdue) is a row in `clock_steps` under a unique key, inserted *before* anything is
  sent; a pass that loses the insert to another does nothing for that case;
- a pass picks per case only the latest step that applies now, and records the earlier
  ones as passed over, so a pass after a gap never sends a stale reminder;
- a re-notification or a report reminder is claimed by a conditional UPDATE that only
  one pass can win; a case closed for want of reaction is closed under its row lock.
The pass only records and emits outbox events (and closes cases), a batch per statement,
never a flush per case; the handlers tell people.

The reminder and overdue days are the agreement version's the case was filed under
(`agreements.rules_by_version`); versions that agree on them share one set of windows.

Cost: three range scans on the (status, due_at) index per set of windows (one set while
all versions agree), each bounded to the cases whose step falls due; the ledger check is
an indexed anti-join. Cases far from their due day are never read; those long overdue
and never answered are, by every pass, and the anti-join leaves them out. The complaint
clock reads the open complaints (ix_cases_complaint_reply), the closing the answered cases.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, exists, false, or_, select, update

from avvikelse import agreements

from avvikelse.cases.changes import record_system_changes
from avvikelse.cases.enums import ANSWER_PENDING, OPEN_STATUSES, Kind, Outcome, Status
from avvikelse.cases.models import Case
from avvikelse.cases.transitions import TRANSITIONS, Action
from avvikelse.core import outbox
from avvikelse.core import workdays
from avvikelse.escalation.models import REPORTS, ClockStep, Escalation
from avvikelse.core.sql import insert_new
from avvikelse.extensions import db

#: the answer clock runs while the receiver owes an answer
CLOCK_STATUSES = ANSWER_PENDING

REMINDER_BEFORE = "reminder_before"
REMINDER_DUE = "reminder_due"
OVERDUE = "overdue"
#: step name → rank; a case only ever moves up
RANKS = {REMINDER_BEFORE: 1, REMINDER_DUE: 2, OVERDUE: 3}
#: the other clocks' steps, each taken once per start (rank 0: outside the answer clock)
INFO_REMINDER = "info_reminder"
COMPLAINT_REPLY = "complaint_reply"


@dataclass
class PassResult:
    steps: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        [*RANKS, INFO_REMINDER, COMPLAINT_REPLY], 0))
    renotified: int = 0
    #: answered cases the sender left without reaction, closed by this pass
    closed_without_reaction: int = 0
    #: Lex Maria / Lex Sarah investigations not yet reported to IVO, reminded
    report_reminders: int = 0
    #: cases looked at: those with a step falling due and not yet taken
    candidates: int = 0

    def __str__(self) -> str:
        parts = [f"{name}: {count}" for name, count in self.steps.items()]
        return ", ".join([*parts, f"renotified: {self.renotified}",
                          f"closed without reaction: {self.closed_without_reaction}",
                          f"report reminders: {self.report_reminders}", f"candidates: {self.candidates}"])


def step_windows(now: datetime, reminder_days_before: int | None = None,
                 overdue_escalation_days: int | None = None) -> list[tuple[str, datetime | None, datetime]]:
    """Per step, the range of `due_at` for which it is the latest step that applies now:
    (name, lower bound inclusive or None, upper bound exclusive). Reminders go out on
    (Swedish) days; the overdue step at the exact hour. The days default to the
    installation's settings."""
    cfg = current_app.config
    if reminder_days_before is None:
        reminder_days_before = cfg["REMINDER_DAYS_BEFORE"]
    if overdue_escalation_days is None:
        overdue_escalation_days = cfg["OVERDUE_ESCALATION_DAYS"]
    today = workdays.local_date(now)
    overdue_from = now - timedelta(days=overdue_escalation_days)
    # `due_at <= now - 7 d` as an exclusive bound: one microsecond later.
    overdue_until = overdue_from + timedelta(microseconds=1)
    due_until = workdays.start_of_day(today + timedelta(days=1))
    before_until = workdays.start_of_day(today + timedelta(days=1 + reminder_days_before))
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
    for (before, overdue), versions in clock_groups():
        for name, lower, upper in step_windows(now, before, overdue):
            due = _candidates(RANKS[name], lower, upper, versions)
            result.candidates += len(due)
            for start in range(0, len(due), batch):
                result.steps[name] += _take(name, due[start:start + batch], now)
                db.session.commit()
    for name, candidates in ((INFO_REMINDER, _info_candidates(now)),
                             (COMPLAINT_REPLY, _complaint_candidates(now))):
        result.candidates += len(candidates)
        for start in range(0, len(candidates), batch):
            result.steps[name] += _take_once(name, candidates[start:start + batch], now)
            db.session.commit()
    result.renotified = _renotify(now)
    result.report_reminders = _report_reminders(now)
    db.session.commit()
    result.closed_without_reaction = _close_without_reaction(now, batch)
    return result


def clock_groups() -> list[tuple[tuple[int, int], list[int | None] | None]]:
    """(reminder days before, overdue days) → the agreement versions (None: no agreement)
    whose cases run on them. A single group gets None for its versions: no filter."""
    groups: dict[tuple[int, int], list[int | None]] = defaultdict(list)
    for version_id, rules in agreements.rules_by_version().items():
        groups[(rules.reminder_days_before, rules.overdue_escalation_days)].append(version_id)
    if len(groups) == 1:
        return [(days, None) for days in groups]
    return sorted(groups.items(), key=lambda item: item[0])


def _of_versions(versions: list[int | None] | None):
    if versions is None:
        return None
    known = [v for v in versions if v is not None]
    return or_(Case.agreement_version_id.in_(known) if known else false(),
               *([Case.agreement_version_id.is_(None)] if None in versions else []))


def _candidates(rank: int, lower: datetime | None, upper: datetime,
                versions: list[int | None] | None = None) -> list[tuple]:
    return list(db.session.execute(_candidates_stmt(rank, lower, upper, versions)))


def _candidates_stmt(rank: int, lower: datetime | None, upper: datetime,
                     versions: list[int | None] | None = None):
    """Open cases whose due time lies in the window and that have no step of this rank
    or higher yet: a range scan on ix_cases_status_due, an index probe per case. With
    `versions`, only the cases filed under those agreement versions."""
    taken = exists().where(
        ClockStep.case_id == Case.id,
        ClockStep.started_at == Case.clock_started_at,
        ClockStep.rank >= rank,
    )
    window = Case.due_at < upper if lower is None else and_(Case.due_at >= lower, Case.due_at < upper)
    of_versions = _of_versions(versions)
    if of_versions is not None:
        window = and_(window, of_versions)
    return (
        select(Case.id, Case.clock_started_at, Case.due_at)
        .where(Case.status.in_(CLOCK_STATUSES), window, Case.clock_started_at.is_not(None), ~taken)
        # One global order (case, then step rank) for every pass's inserts: two
        # concurrent passes then wait on each other's rows, never deadlock.
        .order_by(Case.id)
    )


def _take(name: str, cases: list[tuple], now: datetime) -> int:
    """Claim the step for each case (and mark the lower ones passed over); emit one
    event per step this pass won. Returns how many it won."""
    rank = RANKS[name]
    rows = [
        dict(case_id=case_id, started_at=started_at, step=step, rank=r, at=now,
             due_at=due_at, sent=(step == name))
        for case_id, started_at, due_at in cases
        for step, r in RANKS.items() if r <= rank
    ]
    won = insert_new(ClockStep, rows, ("case_id", "started_at", "step"))
    mine = [step_id for step_id, _case, _received, step in won if step == name]
    outbox.emit_many("clock.step", [{"step_id": step_id} for step_id in mine])
    return len(mine)


def _not_taken(step: str, started):
    return ~exists().where(ClockStep.case_id == Case.id, ClockStep.started_at == started,
                           ClockStep.step == step)


def _info_candidates(now: datetime) -> list[tuple]:
    """Cases waiting for the sender's information longer than the setting allows."""
    cutoff = now - timedelta(days=current_app.config["AWAITING_INFO_REMINDER_DAYS"])
    return list(db.session.execute(
        select(Case.id, Case.awaiting_info_since, Case.awaiting_info_since)
        .where(Case.status == Status.AWAITING_INFO, Case.awaiting_info_since <= cutoff,
               _not_taken(INFO_REMINDER, Case.awaiting_info_since)).order_by(Case.id)))


def _complaint_candidates(now: datetime) -> list[tuple]:
    """Complaints whose complainant has no reply on the day the reply is due (PSL 3:8).
    The open statuses named, not the ended ones excluded: a range scan per status on
    ix_cases_complaint_reply reads the open complaints, never the years of closed ones."""
    today = workdays.local_date(now)
    return list(db.session.execute(
        select(Case.id, Case.reported_at, Case.reported_at)
        .where(Case.status.in_(sorted(OPEN_STATUSES, key=lambda s: s.value)), Case.kind == Kind.COMPLAINT,
               Case.complaint_reply_due_on <= today, Case.complainant_replied_on.is_(None),
               _not_taken(COMPLAINT_REPLY, Case.reported_at)).order_by(Case.id)))


def _take_once(name: str, cases: list[tuple], now: datetime) -> int:
    rows = [dict(case_id=case_id, started_at=started_at, step=name, rank=0, at=now, due_at=due,
                 sent=True) for case_id, started_at, due in cases]
    won = insert_new(ClockStep, rows, ("case_id", "started_at", "step"))
    outbox.emit_many("clock.step", [{"step_id": step_id} for step_id, *_ in won])
    return len(won)


def _close_without_reaction(now: datetime, batch: int) -> int:
    """Answered cases the sender left alone for the setting's days close by themselves,
    outcome closed_without_reaction; both sides are told (events.py). Set-based, a batch
    at a time: the batch's rows locked in id order (two passes wait, never deadlock) and
    re-checked by the UPDATE itself, so two passes close a case once; then its history
    rows and events in one INSERT each (changes.record_system_changes), as `perform`
    would write them one case at a time."""
    days = current_app.config["AUTO_CLOSE_DAYS"]
    closing = TRANSITIONS[Action.CLOSE_WITHOUT_REACTION]
    cutoff = now - timedelta(days=days)
    still_due = and_(Case.status == Status.ANSWERED, Case.answered_at <= cutoff)
    ids = list(db.session.scalars(select(Case.id).where(still_due).order_by(Case.id)))
    closed = 0
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        locked = list(db.session.scalars(
            select(Case.id).where(Case.id.in_(chunk), still_due).order_by(Case.id).with_for_update()))
        done = sorted(db.session.execute(
            update(Case).where(Case.id.in_(locked), still_due)
            .values(status=closing.target, closed_at=now, ended_at=now, outcome=Outcome.CLOSED_WITHOUT_REACTION)
            .returning(Case.id, Case.reference)
            .execution_options(synchronize_session=False)).all()) if locked else []
        record_system_changes([tuple(row) for row in done], closing.action.value, now,
                              from_status=Status.ANSWERED, to_status=closing.target,
                              note=f"Ingen reaktion från avsändaren inom {days} dagar.")
        db.session.commit()
        closed += len(done)
    return closed


def _report_reminders(now: datetime) -> int:
    """Lex Maria / Lex Sarah under investigation but not reported to IVO, the setting's
    days after the event: claimed once by a conditional update, then the handler reminds."""
    cutoff = now - timedelta(days=current_app.config["REPORT_REMINDER_DAYS"])
    stmt = (
        update(Escalation)
        .where(Escalation.decision.in_(REPORTS), Escalation.reported_on.is_(None),
               Escalation.concluded_at.is_(None), Escalation.report_reminded_at.is_(None),
               Escalation.case_id.in_(select(Case.id).where(Case.occurred_at <= cutoff)))
        .values(report_reminded_at=now)
        .returning(Escalation.id)
        .execution_options(synchronize_session=False)
    )
    ids = list(db.session.scalars(stmt))
    outbox.emit_many("escalation.report_reminder", [{"escalation_id": i} for i in ids])
    return len(ids)


def _renotify(now: datetime) -> int:
    """Escalations not acknowledged in time: claim each once, then the handler tells
    the holders again and their deputies."""
    stmt = (
        update(Escalation)
        .where(
            Escalation.acknowledged_at.is_(None),
            Escalation.renotified_at.is_(None),
            Escalation.concluded_at.is_(None),
            Escalation.ack_due_at <= now,
        )
        .values(renotified_at=now)
        .returning(Escalation.id)
        .execution_options(synchronize_session=False)
    )
    ids = list(db.session.scalars(stmt))
    outbox.emit_many("escalation.renotify", [{"escalation_id": i, "at": now.isoformat()} for i in ids])
    return len(ids)
