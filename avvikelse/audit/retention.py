"""Retention: closed cases lose the patient's identity; the access log ages out.

A closed case keeps what the organisations learned (description, answer, measures)
but, after `CASE_DEIDENTIFY_AFTER_DAYS`, no longer says who the patient was: the
encrypted identifier and its blind index are removed. The access log keeps its own copy
of the blind index, so a patient's log extract still works for the log's 5 years.
"""
import os
import time
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, update

from avvikelse.audit.purge import purge_access_log
from avvikelse.cases.enums import Status
from avvikelse.cases.models import Case
from avvikelse.extensions import db


def deidentify_closed_cases(now: datetime, after_days: int) -> int:
    """One UPDATE: idempotent, and safe to run from two workers at once."""
    before = now - timedelta(days=after_days)
    result = db.session.execute(
        update(Case)
        .where(
            Case.status == Status.CLOSED,
            Case.closed_at < before,
            or_(Case.patient_id_encrypted.is_not(None), Case.patient_blind_index.is_not(None)),
        )
        .values(patient_id_encrypted=None, patient_blind_index=None, patient_id_unvalidated=False)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


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
        "cases_deidentified": deidentify_closed_cases(now, config["CASE_DEIDENTIFY_AFTER_DAYS"]),
        "access_log_purged": purge_access_log(now, config["ACCESS_LOG_RETENTION_YEARS"]),
    }
    db.session.commit()
    if not config.get("SESSION_REDIS_URL"):
        counts["session_files_removed"] = sweep_expired_session_files(
            config["SESSION_FOLDER"], config["SESSION_ABSOLUTE_HOURS"] * 3600)
    return counts
