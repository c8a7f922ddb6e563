"""Nothing is downloadable before the scan step; clamd's INSTREAM and ICAP's RESPMOD
against fake servers on 127.0.0.1 that answer as the real ones do."""
from pathlib import Path

import pytest
from sqlalchemy import select

from avvikelse.attachments import scanning, storage
from avvikelse.attachments.models import Attachment, State
from avvikelse.core import outbox
from avvikelse.core.outbox import OutboxEvent
from avvikelse.extensions import db
from tests.attachments import samples
from tests.attachments.conftest import closed_port

INFECTED = samples.pdf(trailer=b"%" + samples.EICAR + b"\n")


def _row(attachment) -> Attachment:
    db.session.expire_all()
    return db.session.get(Attachment, attachment["id"])


def test_the_upload_writes_the_row_and_its_scan_event_together(uploaded, people, new_case):
    case = new_case()
    attachment = uploaded(case, samples.pdf(), "brev.pdf", scan=False)
    event = db.session.scalars(select(OutboxEvent).where(OutboxEvent.kind == "attachment.uploaded")).one()
    assert event.payload == {"attachment_id": attachment["id"], "reference": case.reference}
    assert _row(attachment).state is State.SCANNING


def test_without_a_scanner_the_file_is_clean_and_marked_unscanned(uploaded, new_case):
    row = _row(uploaded(new_case(), samples.pdf(), "brev.pdf"))
    assert (row.state, row.scanned, row.scanned_at is not None) == (State.CLEAN, False, True)


@pytest.mark.parametrize("server", ["fake_clamd", "fake_clamd_unix"])
def test_clamd_lets_a_clean_file_through(server, request, app, monkeypatch, uploaded, new_case):
    clamd = request.getfixturevalue(server)
    monkeypatch.setitem(app.config, "ATTACHMENT_CLAMD", clamd.address)
    sent = samples.pdf()
    row = _row(uploaded(new_case(), sent, "brev.pdf"))
    assert (row.state, row.scanned) == (State.CLEAN, True)
    assert clamd.received == [sent]  # the scanner sees the file, not its encrypted form


def test_eicar_is_rejected_deleted_and_never_served(fake_clamd, app, monkeypatch, uploaded, api,
                                                    people, new_case):
    monkeypatch.setitem(app.config, "ATTACHMENT_CLAMD", fake_clamd.address)
    case = new_case()
    attachment = uploaded(case, INFECTED, "epikris.pdf")
    row = _row(attachment)
    assert (row.state, row.scan_result, row.storage_key) == (State.REJECTED, "Eicar-Signature", None)
    assert not [p for p in Path(app.config["ATTACHMENT_FOLDER"]).rglob("*") if p.is_file()]
    for user in (people["reporter"], people["receiver_handler"]):
        response = api(user).get(f"/cases/{case.reference}/attachments/{attachment['id']}")
        assert response.status_code == 404 and samples.EICAR not in response.data


def test_a_scanner_that_is_down_leaves_the_file_scanning_and_the_event_for_later(
        fake_clamd, app, monkeypatch, uploaded, api, people, new_case):
    monkeypatch.setitem(app.config, "ATTACHMENT_CLAMD", f"127.0.0.1:{closed_port()}")
    case = new_case()
    attachment = uploaded(case, samples.pdf(), "brev.pdf")
    assert _row(attachment).state is State.SCANNING
    failed = db.session.scalars(select(OutboxEvent).where(OutboxEvent.kind == "attachment.uploaded")).one()
    assert failed.processed_at is None and failed.attempts == 1 and "ScannerError" in failed.last_error
    response = api(people["receiver_handler"]).get(f"/cases/{case.reference}/attachments/{attachment['id']}")
    assert response.status_code == 409
    monkeypatch.setitem(app.config, "ATTACHMENT_CLAMD", fake_clamd.address)  # back up
    outbox.drain()
    assert _row(attachment).state is State.CLEAN


def test_clamd_protocol_answers():
    with pytest.raises(scanning.ScannerError):
        scanning.clamd_scan("no-port-here", b"x", 1)
    with pytest.raises(scanning.ScannerError):
        scanning.clamd_scan(f"127.0.0.1:{closed_port()}", b"x", 1)


def test_clamd_sends_large_files_in_chunks(fake_clamd):
    data = b"%PDF-" + bytes(range(256)) * 1000  # 256 kB: five chunks
    assert scanning.clamd_scan(fake_clamd.address, data, 5) == scanning.Verdict(True)
    assert fake_clamd.received == [data]


def test_icap_clean_and_infected(fake_icap, app, monkeypatch, uploaded, new_case):
    monkeypatch.setitem(app.config, "ATTACHMENT_ICAP_URL", fake_icap.url)
    case = new_case()
    clean = _row(uploaded(case, samples.pdf(), "brev.pdf"))
    infected = _row(uploaded(case, INFECTED, "virus.pdf"))
    assert (clean.state, clean.scanned) == (State.CLEAN, True)
    assert (infected.state, infected.scan_result) == (State.REJECTED, "Eicar-Test-Signature")
    assert fake_icap.received == [samples.pdf(), INFECTED]


def test_icap_down_is_a_scanner_error():
    with pytest.raises(scanning.ScannerError):
        scanning.icap_scan(f"icap://127.0.0.1:{closed_port()}/avscan", b"x", 1)
    with pytest.raises(scanning.ScannerError):
        scanning.icap_scan("http://127.0.0.1/avscan", b"x", 1)


def test_a_scanning_row_whose_bytes_are_gone_is_rejected(fake_clamd, app, monkeypatch, uploaded, new_case):
    monkeypatch.setitem(app.config, "ATTACHMENT_CLAMD", fake_clamd.address)
    attachment = uploaded(new_case(), samples.pdf(), "brev.pdf", scan=False)
    row = _row(attachment)
    storage.delete(row.storage, row.storage_key)
    outbox.drain()
    assert _row(attachment).state is State.REJECTED
