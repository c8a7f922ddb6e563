"""A case with a patient goes through filing, routing, mail, reading, actions, log review
and export: no log line, mail, export or URL carries the personnummer in any form."""
import logging
from pathlib import Path

from avvikelse.core import outbox
from avvikelse.extensions import db
from tests.fixtures.factories import PASSWORD, TEST_PNR
from tests.web.helpers import case_form

FORMS = [TEST_PNR, TEST_PNR.replace("-", ""), TEST_PNR[2:], TEST_PNR[2:].replace("-", "")]


def _clean(text: str, where: str):
    for form in FORMS:
        assert form not in text, f"personnummer ({form}) in {where}"


def test_no_personnummer_in_logs_mails_exports_or_urls(app, client, people, caplog):
    caplog.set_level(logging.DEBUG)
    mail_folder = Path(app.config["MAIL_FOLDER"])
    before = {p: p.stat().st_mtime_ns for p in mail_folder.glob("**/*") if p.is_file()}
    client.post("/logga-in", data={"username": "rapportor.krokom", "password": PASSWORD})
    response = client.post("/arenden/ny", data=case_form(patient_id=TEST_PNR))
    assert response.status_code == 302
    location = response.headers["Location"]
    _clean(location, "the redirect URL")
    db.session.commit()
    outbox.drain()
    page = client.get(location).get_data(as_text=True)
    assert "19121212-1212" in page  # the sender is entitled to see it
    client.post("/logga-ut")

    receiver = app.test_client()
    receiver.post("/logga-in", data={"username": "handlaggare.region", "password": PASSWORD})
    page = receiver.get(location).get_data(as_text=True)
    _clean(page, "the receiver's page before sharing")
    receiver.post(location + "/atgard/acknowledge")
    outbox.drain()

    reviewer = app.test_client()
    reviewer.post("/logga-in", data={"username": "admin", "password": PASSWORD})
    search = reviewer.post("/loggkontroll/", data={"personnummer": TEST_PNR, "format": "csv"})
    _clean(search.get_data(as_text=True), "the log export")
    extract = reviewer.post("/loggkontroll/patientutdrag",
                            data={"personnummer": TEST_PNR, "format": "csv"})
    assert extract.status_code == 200
    _clean(extract.get_data(as_text=True), "the patient's extract")

    mails = [p for p in mail_folder.glob("**/*") if p.is_file()]
    assert any(before.get(p) != p.stat().st_mtime_ns for p in mails), "no mail was written"
    for path in mails:  # this test's mails, and every other test's too
        _clean(path.read_text(errors="replace"), f"mail {path.name}")
    _clean(caplog.text, "the captured log")
    for record in caplog.records:
        _clean(repr(record.args), "log arguments")
