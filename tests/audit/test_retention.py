"""Ended cases are de-identified after the retention period; the access log survives.

Free text is disposed of only under the county's disposal decision (these tests run with
one, except where they say so), and never for a case brought to the forum: that one keeps
its text but not the identifier.
"""
from datetime import timedelta

import pytest
from sqlalchemy import select

from avvikelse.audit import queries
from avvikelse.audit.models import AccessLog
from avvikelse.cases.enums import Status
from avvikelse.cases.models import Answer, Case, CaseEvent, Measure, Message
from avvikelse.cases.policy import get_case_for
from avvikelse.cases.services import add_message
from avvikelse.core.clock import now_utc
from avvikelse.escalation.models import Decision, Escalation, Trigger
from avvikelse.extensions import db
from avvikelse.forum import services as forum
from tests.fixtures.factories import TEST_PNR
from workers.retention import retention_pass

#: free text that names the patient: exactly what retention must not keep
NAMED = f"Patienten Tolvan Tolvansson {TEST_PNR}"
DIGITS = TEST_PNR.replace("-", "")


@pytest.fixture(autouse=True)
def disposal_decision(app, monkeypatch):
    """A county that has decided on disposal (gallringsbeslut), after the same period."""
    monkeypatch.setitem(app.config, "DISPOSAL_DECISION", "Gallringsbeslut RS/1/2026")
    monkeypatch.setitem(app.config, "DISPOSAL_AFTER_DAYS", app.config["CASE_DEIDENTIFY_AFTER_DAYS"])


def _closed(new_case, days_ago, status=Status.CLOSED):
    case = new_case(patient_id=DIGITS)
    case.status = status
    case.closed_at = case.ended_at = now_utc() - timedelta(days=days_ago)
    db.session.commit()
    return case


@pytest.fixture
def written_case(new_case, act, people):
    """A case closed the normal way, with text in every free-text place."""

    def make(days_ago: int):
        case = new_case(patient_id=DIGITS, description=f"Vad hände: {NAMED}",
                        immediate_action=f"Direkt: {NAMED}", proposal=f"Förslag: {NAMED}")
        act(people["receiver_handler"], case, "acknowledge", note=f"Kvitterad: {NAMED}")
        add_message(people["receiver_handler"], case, f"Meddelande: {NAMED}", now_utc())
        act(people["receiver_handler"], case, "answer", analysis=f"Analys: {NAMED}",
            measures=[_measure(f"Åtgärd: {NAMED}")])
        act(people["reporter"], case, "accept", note=f"Godtar: {NAMED}")
        db.session.add(Escalation(case_id=case.id, role="mas", organisation_id=case.sender_organisation_id,
                                  trigger=Trigger.SERIOUS, opened_at=now_utc(), ack_due_at=now_utc(),
                                  decision=Decision.NONE, decided_at=now_utc(), reason=f"Skäl: {NAMED}"))
        case.closed_at = case.ended_at = now_utc() - timedelta(days=days_ago)
        db.session.commit()
        assert case.status is Status.CLOSED
        return case

    return make


def _measure(text):
    from avvikelse.cases.inputs import MeasureInput

    return MeasureInput(text=text, owner="Enhetschef", due_on=now_utc().date() + timedelta(days=30))


def _texts(case_id: int) -> list[str]:
    """Every free-text value stored on the case and the rows that hang off it."""
    case = db.session.get(Case, case_id)
    answers = db.session.scalars(select(Answer).where(Answer.case_id == case_id)).all()
    return [
        case.description, case.immediate_action, case.proposal or "",
        *[m.body for m in db.session.scalars(select(Message).where(Message.case_id == case_id))],
        *[a.analysis for a in answers],
        *[m.text for m in db.session.scalars(select(Measure).where(Measure.answer_id.in_([a.id for a in answers])))],
        # (retention's own history row, which has no text, is not one of them)
        *[e.note or "" for e in db.session.scalars(select(CaseEvent).where(
            CaseEvent.case_id == case_id, CaseEvent.action.not_in(("deidentify", "dispose"))))],
        *[e.reason or "" for e in db.session.scalars(select(Escalation).where(Escalation.case_id == case_id))],
    ]


def _whole_row(case_id: int) -> str:
    """The case's database row as stored, every column."""
    row = db.session.execute(select(Case.__table__).where(Case.__table__.c.id == case_id)).one()
    return " ".join(str(value) for value in row)


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
    assert old.deidentified_at is not None
    assert young.patient_id_encrypted and open_case.patient_id_encrypted
    assert young.deidentified_at is None and open_case.deidentified_at is None
    row = db.session.scalars(select(AccessLog).where(AccessLog.case_id == old.id)).one()
    assert row.patient_blind_index == index
    assert [r.case_id for r in queries.patient_extract(people["sender_handler"], index)] == [old.id]
    assert retention_pass()["cases_deidentified"] == 0  # idempotent


def test_a_case_not_brought_to_the_forum_loses_all_its_free_text(app, written_case, people):
    case = written_case(app.config["CASE_DEIDENTIFY_AFTER_DAYS"] + 1)
    get_case_for(people["receiver_handler"], case.reference)  # a read, logged
    db.session.commit()
    log_before = db.session.scalars(select(AccessLog.id).where(AccessLog.case_id == case.id)).all()
    assert any(NAMED in text for text in _texts(case.id))
    assert len(log_before) >= 5  # reads and changes

    counts = retention_pass()
    assert counts["cases_deidentified"] == 1 and counts["cases_free_text_removed"] == 1
    db.session.expire_all()
    texts = _texts(case.id)
    assert all(text == "" for text in texts), texts
    assert case.proposal is None and case.free_text_removed
    # The facts the forum counts on stay.
    assert case.category == "discharge" and case.consequence == 2 and case.status is Status.CLOSED
    assert len(case.answers) == 1 and len(case.answers[0].measures) == 1
    assert case.answers[0].measures[0].owner == "Enhetschef"
    whole = _whole_row(case.id)
    assert TEST_PNR not in whole and DIGITS not in whole and "Tolvan" not in whole
    log_after = db.session.scalars(select(AccessLog.id).where(AccessLog.case_id == case.id)).all()
    assert log_after == log_before  # the access log survives, untouched


def test_a_case_brought_to_the_forum_keeps_its_text_but_not_the_patient(app, written_case, people):
    case = written_case(app.config["CASE_DEIDENTIFY_AFTER_DAYS"] + 1)
    item = forum.raise_case(people["receiver_handler"], case,
                            forum.ItemInput(title="Utskrivning", text="Brist i överföringen."), now_utc())
    db.session.commit()
    before = _texts(case.id)

    counts = retention_pass()
    assert counts["cases_deidentified"] == 1 and counts["cases_free_text_removed"] == 0
    db.session.expire_all()
    assert case.patient_id_encrypted is None and case.patient_blind_index is None
    assert case.deidentified_at is not None and not case.free_text_removed
    assert _texts(case.id) == before
    assert item.text == "Brist i överföringen."


def test_open_and_recently_closed_cases_are_untouched(app, written_case, new_case, act, people):
    days = app.config["CASE_DEIDENTIFY_AFTER_DAYS"]
    recent = written_case(days - 1)
    answered = new_case(patient_id=DIGITS, description=f"Öppet: {NAMED}")
    act(people["receiver_handler"], answered, "acknowledge")
    act(people["receiver_handler"], answered, "answer")
    answered.closed_at = answered.ended_at = now_utc() - timedelta(days=days + 10)  # stale: must not matter
    db.session.commit()
    before = {c.id: (_texts(c.id), _whole_row(c.id)) for c in (recent, answered)}

    assert retention_pass()["cases_deidentified"] == 0
    db.session.expire_all()
    assert {c.id: (_texts(c.id), _whole_row(c.id)) for c in (recent, answered)} == before


def test_a_second_run_changes_nothing(app, written_case, people):
    days = app.config["CASE_DEIDENTIFY_AFTER_DAYS"]
    emptied, kept = written_case(days + 1), written_case(days + 1)
    forum.raise_case(people["receiver_handler"], kept,
                     forum.ItemInput(title="Rubrik", text="Text för forum."), now_utc())
    db.session.commit()
    first = retention_pass()
    assert first["cases_deidentified"] == 2 and first["cases_free_text_removed"] == 1
    db.session.expire_all()
    snapshot = {c.id: (_texts(c.id), _whole_row(c.id)) for c in (emptied, kept)}

    second = retention_pass()
    assert second["cases_deidentified"] == 0 and second["cases_free_text_removed"] == 0
    db.session.expire_all()
    assert {c.id: (_texts(c.id), _whole_row(c.id)) for c in (emptied, kept)} == snapshot


def test_the_removal_is_a_history_row_of_its_own_in_each_case(app, written_case, people):
    days = app.config["CASE_DEIDENTIFY_AFTER_DAYS"]
    old, young = written_case(days + 1), written_case(days - 1)
    retention_pass()
    retention_pass()  # a second run adds no second row
    rows = db.session.scalars(select(CaseEvent).where(CaseEvent.action == "deidentify")).all()
    assert [(r.case_id, r.actor_id, r.from_status, r.to_status, r.note) for r in rows] == [
        (old.id, None, Status.CLOSED, Status.CLOSED, None)]
    assert young.id not in {r.case_id for r in rows}


def test_without_a_disposal_decision_the_text_is_kept(app, written_case, monkeypatch):
    """Removing free text is disposal of public records: lawful only under a decision."""
    monkeypatch.setitem(app.config, "DISPOSAL_DECISION", "")
    case = written_case(app.config["CASE_DEIDENTIFY_AFTER_DAYS"] + 1)
    before = _texts(case.id)
    counts = retention_pass()
    assert counts["cases_deidentified"] == 1 and counts["cases_free_text_removed"] == 0
    db.session.expire_all()
    assert case.patient_id_encrypted is None and not case.free_text_removed
    assert _texts(case.id) == before


def test_withdrawn_cases_and_complainants_lose_their_identity_too(app, new_case, act, people):
    days = app.config["CASE_DEIDENTIFY_AFTER_DAYS"]
    withdrawn = new_case(patient_id=DIGITS, kind="complaint", complainant="relative",
                         complainant_contact="Dottern, 070-123 45 67")
    act(people["reporter"], withdrawn, "withdraw", note="Fel mottagare.")
    withdrawn.ended_at = now_utc() - timedelta(days=days + 1)
    db.session.commit()
    assert withdrawn.complainant_contact_encrypted is not None
    assert retention_pass()["cases_deidentified"] == 1
    db.session.expire_all()
    assert withdrawn.patient_id_encrypted is None and withdrawn.complainant_contact_encrypted is None
    assert withdrawn.complainant.value == "relative"  # who raised it is no personal data


def test_the_disposal_names_the_decision_in_the_history(app, written_case):
    case = written_case(app.config["CASE_DEIDENTIFY_AFTER_DAYS"] + 1)
    retention_pass()
    row = db.session.scalars(select(CaseEvent).where(CaseEvent.action == "dispose")).one()
    assert (row.case_id, row.note) == (case.id, "Fritexten gallrad enligt Gallringsbeslut RS/1/2026.")


def test_the_case_page_and_the_api_say_the_text_was_removed(app, written_case, people, client, login):
    case = written_case(app.config["CASE_DEIDENTIFY_AFTER_DAYS"] + 1)
    retention_pass()
    login(people["reporter"])
    page = client.get(f"/arenden/{case.reference}").get_data(as_text=True)
    assert "Fritexten är borttagen efter bevarandetiden." in page
    assert "patientens identitet är borttagen" in page
    assert "Tolvan" not in page and TEST_PNR not in page

    from avvikelse.accounts.tokens import issue_token

    token = issue_token(people["reporter"], now_utc(), 1)
    db.session.commit()
    body = client.get(f"/api/v1/cases/{case.reference}",
                      headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["free_text_removed"] is True and body["deidentified_at"]
    assert body["description"] == "" and body["messages"][0]["body"] == ""
    assert "Tolvan" not in str(body)


def test_the_page_of_a_forum_case_says_the_text_was_kept(app, written_case, people, client, login):
    case = written_case(app.config["CASE_DEIDENTIFY_AFTER_DAYS"] + 1)
    forum.raise_case(people["receiver_handler"], case, forum.ItemInput(title="R", text="T"), now_utc())
    db.session.commit()
    retention_pass()
    login(people["reporter"])
    page = client.get(f"/arenden/{case.reference}").get_data(as_text=True)
    assert "Fritexten är kvar eftersom ärendet har tagits upp i forum." in page
    assert "Fritexten är borttagen efter bevarandetiden." not in page


def test_expired_session_files_are_swept(tmp_path):
    import os
    import time

    from avvikelse.retention.services import sweep_expired_session_files

    stale, fresh = tmp_path / "a", tmp_path / "b"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"y")
    os.utime(stale, (time.time() - 11 * 3600, time.time() - 11 * 3600))
    assert sweep_expired_session_files(str(tmp_path), 10 * 3600) == 1
    assert not stale.exists() and fresh.exists()
