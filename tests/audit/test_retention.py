"""Closed cases are de-identified after the retention period; the access log survives."""
from datetime import timedelta

from sqlalchemy import select

from avvikelse.audit import queries
from avvikelse.audit.models import AccessLog
from avvikelse.cases.enums import Status
from avvikelse.cases.policy import get_case_for
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from workers.retention import retention_pass


def _closed(new_case, days_ago, status=Status.CLOSED):
    case = new_case(patient_id="191212121212")
    case.status = status
    case.closed_at = now_utc() - timedelta(days=days_ago)
    db.session.commit()
    return case


def test_old_closed_cases_lose_the_patient_and_the_log_keeps_its_index(app, new_case, people):
    days = app.config["CASE_DEIDENTIFY_AFTER_DAYS"]
    old = _closed(new_case, days + 1)
    young = _closed(new_case, days - 1)
    open_case = _closed(new_case, days + 1, status=Status.ANSWERED)
    get_case_for(people["sender_handler"], old.reference)
    db.session.commit()
    index = old.patient_blind_index

    counts = retention_pass()
    assert counts["cases_deidentified"] == 1
    db.session.expire_all()
    assert old.patient_id_encrypted is None and old.patient_blind_index is None
    assert young.patient_id_encrypted and open_case.patient_id_encrypted
    assert old.description  # what was learned is kept
    row = db.session.scalars(select(AccessLog).where(AccessLog.case_id == old.id)).one()
    assert row.patient_blind_index == index
    assert [r.case_id for r in queries.patient_extract(index)] == [old.id]
    assert retention_pass()["cases_deidentified"] == 0  # idempotent


def test_expired_session_files_are_swept(tmp_path):
    import os
    import time

    from avvikelse.audit.retention import sweep_expired_session_files

    stale, fresh = tmp_path / "a", tmp_path / "b"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"y")
    os.utime(stale, (time.time() - 11 * 3600, time.time() - 11 * 3600))
    assert sweep_expired_session_files(str(tmp_path), 10 * 3600) == 1
    assert not stale.exists() and fresh.exists()
