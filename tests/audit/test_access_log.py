"""The PDL access log: a row per access, append-only, purged only when old enough."""
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update

from avvikelse.audit.guard import AppendOnlyViolation
from avvikelse.audit.models import AccessLog
from avvikelse.audit.purge import cutoff, purge_access_log
from avvikelse.audit.services import access_row, log_access
from avvikelse.cases.policy import log_reads
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db


def _rows(**where):
    query = select(AccessLog).order_by(AccessLog.id)
    for name, value in where.items():
        query = query.where(getattr(AccessLog, name) == value)
    return db.session.scalars(query).all()


def test_one_row_per_page_read_with_who_where_and_blind_index(client, new_case, people, login):
    people["receiver_handler"].hsa_id = "SE2321000065-0001"
    # Shared with the receiver: its reads may carry the patient's blind index.
    case = new_case(patient_id="191212121212", patient_shared_basis="consent")
    login(people["receiver_handler"])
    for _ in range(3):
        assert client.get(f"/arenden/{case.reference}").status_code == 200
    rows = _rows(action="read")
    assert len(rows) == 3
    row = rows[0]
    assert (row.user_id, row.hsa_id, row.organisation_id, row.case_id) == (
        people["receiver_handler"].id, "SE2321000065-0001",
        people["receiver_handler"].organisation_id, case.id)
    assert row.patient_blind_index == case.patient_blind_index
    assert "191212121212" not in repr(row.__dict__)


def test_unit_is_recorded_for_a_unit_handler(new_case, people):
    from avvikelse.cases.policy import get_case_for

    case = new_case(receiver_unit="23-OSD-GER")
    get_case_for(people["unit_handler"], case.reference)
    assert _rows(action="read")[0].unit_id == case.receiver_unit_id


def test_guessed_reference_gives_404_and_a_denied_row(client, new_case, people, login):
    case = new_case()
    login(people["stranger"])
    assert client.get(f"/arenden/{case.reference}").status_code == 404
    assert client.get("/arenden/AV-2026-999999").status_code == 404
    assert client.get("/api/v1/cases/AV-2026-999999").status_code == 401  # no token
    denied = _rows(action="denied")
    # A hidden case and a missing one leave alike rows: the reference as typed, nothing more.
    assert [(r.case_id, r.patient_blind_index, r.target) for r in denied] == [
        (None, None, case.reference), (None, None, "AV-2026-999999")]


def test_a_personnummer_typed_as_a_reference_is_not_logged(client, people, login):
    login(people["stranger"])
    assert client.get("/arenden/19121212-1212").status_code == 404
    (row,) = _rows(action="denied")
    assert row.target == "[personnummerliknande]"


def test_a_change_is_logged_for_the_person_who_made_it(new_case, people, act):
    case = new_case()
    act(people["receiver_handler"], case, "acknowledge")
    (row,) = _rows(action="change")
    assert (row.user_id, row.case_id) == (people["receiver_handler"].id, case.id)


def test_an_export_of_n_cases_writes_n_rows(new_case, people):
    cases = [new_case() for _ in range(3)]
    log_reads(people["sender_handler"], cases, "export")
    db.session.commit()
    assert sorted(r.case_id for r in _rows(action="export")) == sorted(c.id for c in cases)


def test_the_orm_refuses_to_change_or_delete_a_row(people):
    log_access(people["reporter"], "read")
    db.session.commit()
    row = _rows()[0]
    row.action = "change"
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    db.session.delete(_rows()[0])
    with pytest.raises(AppendOnlyViolation):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AppendOnlyViolation):
        db.session.execute(update(AccessLog).values(action="x"))
    with pytest.raises(AppendOnlyViolation):
        db.session.execute(delete(AccessLog))
    db.session.rollback()
    assert _rows()[0].action == "read"


def test_the_database_refuses_update_and_delete_on_postgresql(people):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite relies on the ORM guard (tested above)")
    log_access(people["reporter"], "read")
    db.session.commit()
    for statement in ("UPDATE access_log SET action = 'x'", "DELETE FROM access_log"):
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    assert len(_rows()) == 1


def test_purge_removes_only_rows_older_than_retention(app, people):
    now = now_utc()
    years = app.config["ACCESS_LOG_RETENTION_YEARS"]
    assert years == 5
    edge = cutoff(now, years)
    ages = {"old": edge - timedelta(days=1), "just-young": edge + timedelta(minutes=1),
            "new": now - timedelta(days=1)}
    for name, at in ages.items():
        row = access_row(people["reporter"], "read", target=name)
        row.at = at
        db.session.add(row)
    db.session.commit()
    assert purge_access_log(now, years) == 1
    db.session.commit()
    assert [r.target for r in _rows()] == ["just-young", "new"]
    with pytest.raises(ValueError):
        purge_access_log(now, 0)


def test_the_purge_cannot_reach_young_rows_even_in_the_database(people):
    """On PostgreSQL the trigger checks the cut-off too: a cut-off in the future is refused."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    log_access(people["reporter"], "read")
    db.session.commit()
    db.session.execute(text("SELECT set_config('avvikelse.purge_before', '2999-01-01', true)"))
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("DELETE FROM access_log"))
    db.session.rollback()
    assert len(_rows()) == 1


def test_a_message_is_a_change_row(client, new_case, people, login):
    case = new_case()
    login(people["receiver_handler"])
    response = client.post(f"/arenden/{case.reference}/meddelande", data={"body": "Vi undersöker."})
    assert response.status_code == 302
    (row,) = _rows(action="change")
    assert (row.user_id, row.case_id, row.channel) == (people["receiver_handler"].id, case.id, "web")
