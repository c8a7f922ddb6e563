"""Attachments follow the case's free text through retention: when it goes, their bytes
go (disk, database) and their rows say so without a name; a case kept for the forum
keeps its text and so its attachments."""
from datetime import timedelta
from pathlib import Path

import pytest

from avvikelse.attachments.models import Attachment, AttachmentBlob, State
from avvikelse.cases.enums import Status
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.forum import services as forum
from avvikelse.retention.services import run_retention
from tests.attachments import samples
from tests.fixtures.factories import TEST_PNR


@pytest.fixture(autouse=True)
def disposal_decided(app, monkeypatch):
    """Free text (and so attachments) goes only under a disposal decision."""
    monkeypatch.setitem(app.config, "DISPOSAL_DECISION", "Gallringsbeslut RS/1/2026")
    monkeypatch.setitem(app.config, "DISPOSAL_AFTER_DAYS", app.config["CASE_DEIDENTIFY_AFTER_DAYS"])


def _closed_with_attachments(new_case, uploaded, people, act):
    case = new_case(patient_id=TEST_PNR.replace("-", ""))
    pdf = uploaded(case, samples.pdf(), "epikris Tolvansson.pdf")
    photo = uploaded(case, samples.photo(), "sar.jpg", user=people["receiver_handler"])
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "answer")
    act(people["reporter"], case, "accept")
    case.closed_at = case.ended_at = now_utc() - timedelta(days=800)
    db.session.commit()
    assert case.status is Status.CLOSED
    return case, [pdf["id"], photo["id"]]


def _files(app) -> list[Path]:
    return [p for p in Path(app.config["ATTACHMENT_FOLDER"]).rglob("*") if p.is_file()]


def test_attachments_go_with_the_free_text(backend, app, new_case, uploaded, people, act, api):
    case, ids = _closed_with_attachments(new_case, uploaded, people, act)
    counts = run_retention(now_utc())
    assert counts["cases_free_text_removed"] == 1
    db.session.expire_all()
    rows = [db.session.get(Attachment, i) for i in ids]
    assert [(r.state, r.filename, r.storage_key, r.removed_at is not None) for r in rows] == \
        [(State.REMOVED, "", None, True)] * 2
    assert [r.size > 0 for r in rows] == [True, True]  # the record stays: type, size, dates
    assert _files(app) == [] and db.session.query(AttachmentBlob).count() == 0
    response = api(people["reporter"]).get(f"/cases/{case.reference}/attachments/{ids[0]}")
    assert response.status_code == 404 and "bevarandetiden" in response.json["message"]
    assert run_retention(now_utc())["attachment_files_deleted"] == 0  # a second run has nothing to do


def test_without_a_disposal_decision_attachments_stay(app, new_case, uploaded, people, act, monkeypatch):
    monkeypatch.setitem(app.config, "DISPOSAL_DECISION", "")
    case, ids = _closed_with_attachments(new_case, uploaded, people, act)
    counts = run_retention(now_utc())
    assert counts["cases_deidentified"] == 1 and counts["cases_free_text_removed"] == 0
    db.session.expire_all()
    assert [db.session.get(Attachment, i).state for i in ids] == [State.CLEAN, State.CLEAN]
    assert len(_files(app)) == 2


def test_a_case_kept_for_the_forum_keeps_its_attachments(app, new_case, uploaded, people, act, api):
    case, ids = _closed_with_attachments(new_case, uploaded, people, act)
    forum.raise_case(people["receiver_handler"], case,
                     forum.ItemInput(title="Utskrivning", text="Brist i överföringen."), now_utc())
    db.session.commit()
    counts = run_retention(now_utc())
    assert counts["cases_deidentified"] == 1 and counts["cases_free_text_removed"] == 0
    db.session.expire_all()
    assert [db.session.get(Attachment, i).state for i in ids] == [State.CLEAN, State.CLEAN]
    assert len(_files(app)) == 2
    response = api(people["reporter"]).get(f"/cases/{case.reference}/attachments/{ids[0]}")
    assert response.status_code == 200


def test_files_left_by_a_pass_cut_short_are_deleted_by_the_next(app, new_case, uploaded, people, act):
    case, ids = _closed_with_attachments(new_case, uploaded, people, act)
    from avvikelse.attachments import services

    services.remove_for_cases([case.id], now_utc())  # rows marked, files not yet deleted
    db.session.commit()
    assert len(_files(app)) == 2
    assert services.delete_removed_files() == 2
    assert _files(app) == []
