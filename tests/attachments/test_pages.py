"""The case page: the list (name, type, size, state, who, when), the upload form for
those who may act on the case, working without JavaScript; download through the policy."""
import io

from sqlalchemy import select

from avvikelse.attachments.models import Attachment
from avvikelse.audit.models import AccessLog
from avvikelse.cases.services import add_message
from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from tests.attachments import samples
from tests.web.helpers import error_beside, text


def _post(client, case, data, filename, **fields):
    return client.post(f"/arenden/{case.reference}/bilagor", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), filename), **fields})


def test_the_upload_form_reminds_not_to_photograph_faces_and_lets_a_phone_use_its_camera(
        client, login, people, new_case):
    case = new_case()
    login(people["reporter"])
    page = text(client.get(f"/arenden/{case.reference}"))
    assert "Fotografera inte patientens ansikte." in page
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page
    assert 'accept="application/pdf,image/heic,image/heif,image/jpeg,image/png,' in page
    assert "Inga bilagor ännu." in page


def test_upload_then_list_then_download(client, login, people, new_case):
    case = new_case()
    login(people["reporter"])
    response = _post(client, case, samples.photo(), "Foto från hemtjänsten.jpg")
    assert response.status_code == 302 and response.location.endswith(f"/arenden/{case.reference}#bilagor")
    page = text(client.get(f"/arenden/{case.reference}"))
    assert "Bilagan Foto från hemtjänsten.jpg är uppladdad" in page
    assert "Virusskannas" in page and "JPEG" in page and "rapportor.krokom" in page
    outbox.drain()

    client.post("/logga-ut")
    login(people["receiver_handler"])
    page = text(client.get(f"/arenden/{case.reference}"))
    attachment = db.session.scalars(select(Attachment)).one()
    link = f"/arenden/{case.reference}/bilagor/{attachment.id}"
    assert link in page and "Ej virusskannad" in page and "Bilaga tillagd" in page
    got = client.get(link)
    assert got.status_code == 200 and got.mimetype == "image/jpeg"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert got.headers["X-Content-Type-Options"] == "nosniff" and "no-store" in got.headers["Cache-Control"]
    log = db.session.scalars(select(AccessLog.action).where(
        AccessLog.user_id == people["receiver_handler"].id, AccessLog.case_id == case.id)).all()
    assert "download" in log


def test_a_refused_upload_shows_its_reason_beside_the_field_and_keeps_the_choice(
        client, login, people, new_case):
    case = new_case()
    message = add_message(people["reporter"], case, "Bifogar listan.", now_utc())
    db.session.commit()
    login(people["reporter"])
    response = _post(client, case, b"#!/bin/sh\n", "lista.pdf", target=f"message-{message.id}")
    assert response.status_code == 415
    assert error_beside(response, "attachment-file", "Filtypen tas inte emot.")
    assert f'<option value="message-{message.id}" selected>' in response.get_data(as_text=True)
    response = _post(client, case, samples.pdf(javascript="app.alert(1)"), "brev.pdf")
    assert response.status_code == 422 and "skript" in text(response)
    missing = client.post(f"/arenden/{case.reference}/bilagor", data={}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "Välj en fil att bifoga." in text(missing)
    assert db.session.scalar(select(Attachment.id)) is None


def test_a_file_over_the_body_limit_is_413_with_the_limit_named(client, login, people, new_case, app, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 1_000)
    case = new_case()
    login(people["reporter"])
    response = _post(client, case, samples.pdf(trailer=b"%" + b"x" * 100_000), "stor.pdf")
    assert response.status_code == 413 and "Filen är för stor. Största tillåtna storlek är 1 kB." in text(response)


def test_attached_to_a_message_shows_which(client, login, people, new_case):
    case = new_case()
    message = add_message(people["reporter"], case, "Bifogar listan.", now_utc())
    db.session.commit()
    login(people["reporter"])
    _post(client, case, samples.pdf(), "lista.pdf", target=f"message-{message.id}")
    assert db.session.scalars(select(Attachment)).one().message_id == message.id
    assert "Meddelande 1" in text(client.get(f"/arenden/{case.reference}"))


def test_a_stranger_gets_404_for_the_page_upload_and_download(client, login, people, new_case, uploaded):
    case = new_case()
    attachment = uploaded(case, samples.pdf(), "epikris.pdf")
    login(people["stranger"])
    assert _post(client, case, samples.pdf(), "x.pdf").status_code == 404
    assert client.get(f"/arenden/{case.reference}/bilagor/{attachment['id']}").status_code == 404


def test_a_closed_case_lists_but_takes_no_uploads_and_print_has_no_links(client, login, people, new_case,
                                                                       uploaded, act):
    case = new_case()
    attachment = uploaded(case, samples.pdf(), "epikris.pdf")
    act(people["reporter"], case, "withdraw", note="Fel.")
    login(people["reporter"])
    page = text(client.get(f"/arenden/{case.reference}"))
    assert "epikris.pdf" in page and 'type="file"' not in page
    assert _post(client, case, samples.pdf(), "x.pdf").status_code == 409
    printed = text(client.get(f"/arenden/{case.reference}/utskrift"))
    assert "epikris.pdf" in printed and f"/bilagor/{attachment['id']}" not in printed


def test_the_page_is_english_in_english(client, login, people, new_case):
    from flask_babel import refresh

    case = new_case()
    login(people["reporter"])
    client.set_cookie("sprak", "en")
    refresh()  # the test's app context (shared by its requests) remembers the locale it saw first
    page = text(client.get(f"/arenden/{case.reference}"))
    assert "Do not photograph the patient's face." in page and "Upload attachment" in page
