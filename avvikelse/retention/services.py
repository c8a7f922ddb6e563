"""Retention: closed cases lose the patient's identity; the access log ages out.

`CASE_DEIDENTIFY_AFTER_DAYS` after closing, a case loses the encrypted identifier and
its blind index. Unless a handler or MAS brought the case to the forum (a ForumItem,
whose own text was written for the forum and is kept), everything people wrote on it
goes too, since free text may name the patient or others: the description, immediate
action and proposal, messages, answers' analyses, measures, history notes and
escalation reasons, and the case's attachments (their bytes deleted, their rows kept as
`removed` without a name; attachments/services.py). NOT NULL columns get "" and the others NULL; the case page and the
API say that the text was removed (`Case.free_text_removed`). Codes, dates, parties,
category and risk stay, so the forum's figures do not change.

The change is recorded like any other, in the same transaction: a history row per case
(action `deidentify`, by the system). It is no access by a person, so the access log
(PDL 4 kap.) gets no row; it keeps its own copy of the blind index, so a patient's log
extract still works for the log's 5 years.

Set-based: INSERT … SELECT for the records, then a handful of UPDATEs, all keyed on the
same WHERE clause (`deidentified_at IS NULL`), so a second run, or a second worker at the
same time, changes nothing.
"""
import os
import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, exists, insert, literal, null, select, update

from avvikelse.attachments import services as attachments
from avvikelse.audit.purge import purge_access_log
from avvikelse.cases.enums import Status
from avvikelse.cases.models import Answer, Case, CaseEvent, Measure, Message
from avvikelse.core.models import UTCDateTime
from avvikelse.escalation.models import Escalation
from avvikelse.extensions import db
from avvikelse.forum.models import ForumItem

_IDENTITY = {"patient_id_encrypted": None, "patient_blind_index": None, "patient_id_unvalidated": False,
             "patient_shared_note": None}
_CASE_TEXT = {"description": "", "immediate_action": "", "proposal": None}


def _run(statement) -> int:
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return result.rowcount or 0


def deidentify_closed_cases(now: datetime, after_days: int) -> dict[str, int]:
    """Counts of cases de-identified, and of those whose free text was removed too."""
    due = and_(
        Case.status == Status.CLOSED,
        Case.deidentified_at.is_(None),
        Case.closed_at < now - timedelta(days=after_days),
    )
    _record(due, now)
    for_forum = exists().where(ForumItem.case_id == Case.id)
    emptied = _run(update(Case).where(due, ~for_forum).values(**_IDENTITY, **_CASE_TEXT, deidentified_at=now))
    kept = _run(update(Case).where(due).values(**_IDENTITY, deidentified_at=now))
    if emptied:
        _empty_what_was_written(now)
    return {"cases_deidentified": emptied + kept, "cases_free_text_removed": emptied}


def _record(due, now: datetime) -> None:
    """The history row of each case this pass changes, written before the change (the
    same WHERE clause then still selects them)."""
    _run(insert(CaseEvent).from_select(
        ["case_id", "at", "actor_id", "action", "from_status", "to_status", "note"],
        select(Case.id, literal(now, UTCDateTime), null(), literal("deidentify"),
               Case.status, Case.status, null()).where(due)))


def _empty_what_was_written(now: datetime) -> None:
    """The rows hanging off the cases this pass emptied (same transaction, same `now`)."""
    cases = select(Case.id).where(Case.deidentified_at == now, Case.description == "")
    answers = select(Answer.id).where(Answer.case_id.in_(cases))
    _run(update(Message).where(Message.case_id.in_(cases)).values(body=""))
    _run(update(Answer).where(Answer.case_id.in_(cases)).values(analysis=""))
    _run(update(Measure).where(Measure.answer_id.in_(answers)).values(text=""))
    _run(update(CaseEvent).where(CaseEvent.case_id.in_(cases), CaseEvent.note.is_not(None)).values(note=None))
    _run(update(Escalation).where(Escalation.case_id.in_(cases), Escalation.reason.is_not(None))
         .values(reason=None))
    # Attachments go with the text (a letter or photo can say all a text can); a case kept
    # for the forum keeps them, as it keeps its text. Files outside the database are
    # deleted after the commit (run_retention).
    attachments.remove_for_cases(cases, now)


def sweep_expired_session_files(folder: str, max_age_seconds: float) -> int:
    """File-stored sessions that nobody used for longer than a session may live."""
    removed, limit = 0, time.time() - max_age_seconds
    if not os.path.isdir(folder):
        return 0
    for entry in os.scandir(folder):
        if entry.is_file() and entry.stat().st_mtime < limit:
            try:
                os.unlink(entry.path)
                removed += 1
            except FileNotFoundError:
                pass  # removed by another process meanwhile
    return removed


def run_retention(now: datetime) -> dict[str, int]:
    config = current_app.config
    counts = {
        **deidentify_closed_cases(now, config["CASE_DEIDENTIFY_AFTER_DAYS"]),
        "access_log_purged": purge_access_log(now, config["ACCESS_LOG_RETENTION_YEARS"]),
    }
    db.session.commit()
    counts["attachment_files_deleted"] = attachments.delete_removed_files()
    # Redis expires its sessions itself; only the file store needs sweeping.
    if not config.get("SESSION_REDIS_URL"):
        counts["session_files_removed"] = sweep_expired_session_files(
            config["SESSION_FOLDER"], config["SESSION_ABSOLUTE_HOURS"] * 3600)
    return counts
