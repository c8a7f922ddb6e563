"""Retention: ended cases lose the patient's identity; free text is disposed of only
under a disposal decision; the access log ages out.

`CASE_DEIDENTIFY_AFTER_DAYS` after a case ended (closed with any outcome, or withdrawn)
it loses the encrypted identifier, its blind index, the shared-basis note and the
complainant's contact details.

What people wrote is a public record: removing it is disposal (gallring) under the
archives act, lawful only under a disposal decision the county has made. So free text
goes only when `DISPOSAL_DECISION` names one, `DISPOSAL_AFTER_DAYS` after the case ended,
and never for a case brought to the forum (a ForumItem): the description, immediate
action and proposal, messages, answers' analyses, measures, history notes, escalation
reasons, the case's words in the full-text index, and the case's attachments (their
bytes deleted, their rows kept as `removed` without a name; attachments/services.py),
and the texts of the case's own measures (the
text, the status note, the effect found, their history notes). A joint investigation's
texts (timeline, contributing factors, root causes, conclusion, its measures' texts,
history notes) go once it has ended and every case it covers has lost its text. Learning
summaries stay: they are de-identified by design (checked by the personnummer detector
and approved by both sides) and are the county's record of what it learned. NOT NULL
columns get "" and the others NULL;
the case page and the API say that the text was removed (`Case.free_text_removed`). Codes, dates, parties, category and risk
stay, so the forum's figures do not change.

The forum's stored protected patterns (forum/patterns.py) no one read for
`FORUM_PATTERN_KEEP_DAYS` are pruned too: they hold no count, only cost room.

Each change is recorded like any other, in the same transaction: a history row per case
(action `deidentify` or `dispose`, by the system). It is no access by a person, so the
access log (PDL 4 kap.) gets no row; it keeps its own copy of the blind index, so a
patient's log extract still works for the log's 5 years.

Set-based: INSERT … SELECT for the records, then a handful of UPDATEs, keyed on the same
WHERE clauses (`deidentified_at` / `text_disposed_at IS NULL`), so a second run, or a
second worker at the same time, changes nothing.
"""
import os
import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, exists, insert, literal, null, select, update

from avvikelse.attachments import services as attachments
from avvikelse.audit.purge import purge_access_log
from avvikelse.cases.enums import ENDED_STATUSES
from avvikelse.cases.models import Answer, Case, CaseEvent, Measure, Message
from avvikelse.learning.enums import RUNNING
from avvikelse.learning.models import (ContributingFactor, Investigation, InvestigationEvent, MeasureEvent,
                                       RootCause, TimelineEntry, investigation_cases)
from avvikelse.core.models import UTCDateTime
from avvikelse.escalation.models import Escalation
from avvikelse.extensions import db
from avvikelse.forum import patterns
from avvikelse.forum.models import ForumItem
from avvikelse.search import index as search_index

_IDENTITY = {"patient_id_encrypted": None, "patient_blind_index": None, "patient_id_unvalidated": False,
             "patient_shared_note": None, "complainant_contact_encrypted": None}
_CASE_TEXT = {"description": "", "immediate_action": "", "proposal": None}


def _run(statement) -> int:
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    return result.rowcount or 0


def deidentify_ended_cases(now: datetime, after_days: int) -> int:
    """Ended cases (closed with any outcome, or withdrawn) lose the patient's identity and
    the complainant's details. Returns how many."""
    due = and_(Case.status.in_(ENDED_STATUSES), Case.deidentified_at.is_(None),
               Case.ended_at < now - timedelta(days=after_days))
    _record(due, now, "deidentify", None)
    return _run(update(Case).where(due).values(**_IDENTITY, deidentified_at=now))


def dispose_of_free_text(now: datetime, decision: str, after_days: int) -> int:
    """Disposal (gallring) of what people wrote on ended cases, under the county's disposal
    decision, unless the case was brought to the forum (whose record it then is). Free text
    is a public record: without a decision nothing is disposed of. Returns how many."""
    if not decision:
        return 0
    due = and_(Case.status.in_(ENDED_STATUSES), Case.text_disposed_at.is_(None),
               Case.ended_at < now - timedelta(days=after_days),
               ~exists().where(ForumItem.case_id == Case.id))
    count = _run(update(Case).where(due).values(**_CASE_TEXT, text_disposed_at=now))
    if count:
        _empty_what_was_written(now)
        emptied = Case.text_disposed_at == now
        _record(emptied, now, "dispose", f"Fritexten gallrad enligt {decision[:200]}.")
    # An investigation may end after its cases lost their text: looked at on every pass.
    _empty_investigations(now)
    return count


def _record(cases, now: datetime, action: str, note: str | None) -> None:
    """A history row for each case in `cases` (a WHERE clause), by the system."""
    _run(insert(CaseEvent).from_select(
        ["case_id", "at", "actor_id", "action", "from_status", "to_status", "note"],
        select(Case.id, literal(now, UTCDateTime), null(), literal(action),
               Case.status, Case.status, literal(note) if note else null()).where(cases)))


def _empty_what_was_written(now: datetime) -> None:
    """The rows hanging off the cases this pass emptied (same transaction, same `now`)."""
    cases = select(Case.id).where(Case.text_disposed_at == now)
    _run(update(Message).where(Message.case_id.in_(cases)).values(body=""))
    _run(update(Answer).where(Answer.case_id.in_(cases)).values(analysis=""))
    _empty_measures(and_(Measure.case_id.in_(cases), Measure.investigation_id.is_(None)))
    _run(update(CaseEvent).where(CaseEvent.case_id.in_(cases), CaseEvent.note.is_not(None)).values(note=None))
    _run(update(Escalation).where(Escalation.case_id.in_(cases), Escalation.reason.is_not(None))
         .values(reason=None))
    # The full-text index's words of that text go with it.
    search_index.forget(db.session.connection(), cases)
    # Attachments go with the text (a letter or photo can say all a text can); a case kept
    # for the forum keeps them, as it keeps its text. Files outside the database are
    # deleted after the commit (run_retention).
    attachments.remove_for_cases(cases, now)


def _empty_measures(which) -> None:
    _run(update(MeasureEvent).where(MeasureEvent.measure_id.in_(select(Measure.id).where(which)),
                                    MeasureEvent.note.is_not(None)).values(note=None))
    _run(update(Measure).where(which).values(text="", status_note=None, effect=None))


def _empty_investigations(now: datetime) -> None:
    """Ended investigations all of whose cases have lost their text lose theirs."""
    undisposed = exists().where(investigation_cases.c.investigation_id == Investigation.id,
                                investigation_cases.c.case_id == Case.id, Case.text_disposed_at.is_(None))
    due = and_(Investigation.text_disposed_at.is_(None), Investigation.status.not_in(RUNNING), ~undisposed)
    if not _run(update(Investigation).where(due).values(text_disposed_at=now, title="", conclusion=None,
                                                        closed_reason=None)):
        return
    emptied = select(Investigation.id).where(Investigation.text_disposed_at == now)
    for model in (TimelineEntry, ContributingFactor, RootCause):
        _run(update(model).where(model.investigation_id.in_(emptied)).values(text=""))
    _run(update(InvestigationEvent).where(InvestigationEvent.investigation_id.in_(emptied),
                                          InvestigationEvent.note.is_not(None)).values(note=None))
    _empty_measures(Measure.investigation_id.in_(emptied))


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
        "cases_deidentified": deidentify_ended_cases(now, config["CASE_DEIDENTIFY_AFTER_DAYS"]),
        "cases_free_text_removed": dispose_of_free_text(now, config["DISPOSAL_DECISION"],
                                                        config["DISPOSAL_AFTER_DAYS"]),
        "access_log_purged": purge_access_log(now, config["ACCESS_LOG_RETENTION_YEARS"]),
        "forum_patterns_pruned": patterns.prune(now, config["FORUM_PATTERN_KEEP_DAYS"],
                                                config["FORUM_PATTERN_RUNNING_KEEP_DAYS"]),
    }
    db.session.commit()
    counts["attachment_files_deleted"] = attachments.delete_removed_files()
    # Redis expires its sessions itself; only the file store needs sweeping.
    if not config.get("SESSION_REDIS_URL"):
        counts["session_files_removed"] = sweep_expired_session_files(
            config["SESSION_FOLDER"], config["SESSION_ABSOLUTE_HOURS"] * 3600)
    return counts
