"""The contract: POST /api/v1/cases/<ref>/attachments (multipart, `file`) → 201
{id, filename, content_type, size, state}; GET …/attachments/<id> → the bytes."""
import io

import pytest
from PIL import ExifTags, Image
from sqlalchemy import select

from avvikelse.attachments.models import Attachment, State
from avvikelse.audit import queries
from avvikelse.audit.models import AccessLog
from avvikelse.cases.services import add_message
from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from tests.attachments import samples
from tests.fixtures.factories import TEST_PNR

CONTRACT = {"id", "filename", "content_type", "size", "state"}


def test_a_phone_photo_is_stored_without_gps_and_served_as_a_download(api, people, new_case):
    case = new_case()
    sent = samples.photo()
    response = api(people["reporter"]).upload(case.reference, sent, "IMG_2041.JPG")
    assert response.status_code == 201
    body = response.json
    assert CONTRACT <= set(body)
    assert (body["filename"], body["content_type"], body["state"]) == ("IMG_2041.jpg", "image/jpeg", "scanning")
    assert body["size"] > 0 and response.headers["Location"].endswith(f"/attachments/{body['id']}")

    handler = api(people["receiver_handler"])
    assert handler.get(f"/cases/{case.reference}/attachments/{body['id']}").status_code == 409  # not scanned
    outbox.drain()  # the scan step; no scanner configured: clean, unscanned
    listed = handler.get(f"/cases/{case.reference}/attachments").json["items"]
    assert [(a["id"], a["state"], a["scanned"]) for a in listed] == [(body["id"], "clean", False)]

    got = handler.get(f"/cases/{case.reference}/attachments/{body['id']}")
    assert got.status_code == 200 and got.mimetype == "image/jpeg"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert "IMG_2041.jpg" in got.headers["Content-Disposition"]
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in got.headers["Cache-Control"]
    image = Image.open(io.BytesIO(got.data))
    assert image.size == (64, 48)
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo) and not image.getexif()
    assert b"Telefonbolaget" not in got.data


def test_every_download_is_in_the_access_log_and_the_patient_extract(api, people, new_case, uploaded):
    """A "download" row per download; the patient's blind index only where the reader may
    identify the patient (the sender's side), so the extract shows it and a search of the
    log cannot link the receiver's download to the person."""
    case = new_case(patient_id=TEST_PNR.replace("-", ""))
    attachment = uploaded(case, samples.pdf(), "epikris.pdf")
    for user in (people["receiver_handler"], people["sender_handler"]):
        assert api(user).get(f"/cases/{case.reference}/attachments/{attachment['id']}").status_code == 200
    rows = db.session.scalars(select(AccessLog).where(AccessLog.action == "download")
                              .order_by(AccessLog.id)).all()
    assert [(r.user_id, r.case_id, r.channel, r.patient_blind_index is not None) for r in rows] == [
        (people["receiver_handler"].id, case.id, "api", False),
        (people["sender_handler"].id, case.id, "api", True)]
    extract = queries.patient_extract(people["sender_handler"], case.patient_blind_index)
    assert "download" in [r.action for r in extract]


def test_type_mismatch_and_unknown_types_are_415(api, people, new_case):
    case = new_case()
    client = api(people["reporter"])
    script = client.upload(case.reference, b"#!/bin/sh\nrm -rf ~\n", "epikris.pdf", "application/pdf")
    assert script.status_code == 415 and script.json["error"] == "unsupported_media_type"
    mismatch = client.upload(case.reference, samples.photo(), "lakemedel.pdf")
    assert mismatch.status_code == 415 and "JPEG" in mismatch.json["message"]
    assert db.session.scalar(select(Attachment.id)) is None


def test_a_pdf_with_javascript_is_refused_with_a_field_error(api, people, new_case):
    response = api(people["reporter"]).upload(new_case().reference, samples.pdf(javascript="app.alert(1)"), "brev.pdf")
    assert response.status_code == 422 and "skript" in response.json["errors"]["file"][0]


def test_a_decompression_bomb_is_a_4xx_never_a_500(api, people, new_case):
    response = api(people["reporter"]).upload(new_case().reference, samples.png_header_only(30_000, 30_000), "bomb.png")
    assert response.status_code == 422 and "pixlar" in response.json["errors"]["file"][0]


def test_a_file_over_the_limit_is_413(api, people, new_case, app, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 2_000)
    case, client = new_case(), api(people["reporter"])
    just_over = samples.pdf(trailer=b"%" + b"x" * 2_000 + b"\n")  # within the body's slack
    response = client.upload(case.reference, just_over, "stor.pdf")
    assert response.status_code == 413 and "Största tillåtna storlek" in response.json["message"]
    far_over = samples.pdf(trailer=b"%" + b"x" * 200_000 + b"\n")  # refused while read
    response = client.upload(case.reference, far_over, "stor.pdf")
    assert response.status_code == 413 and "Största tillåtna storlek" in response.json["message"]


def test_the_larger_body_is_for_the_upload_endpoints_only(api, people, new_case, client):
    token = api(people["reporter"]).headers
    big = {"description": "x" * (1024 * 1024 + 10)}
    assert client.post("/api/v1/cases", json=big, headers=token).status_code == 413


def test_the_case_total_is_a_limit_with_a_swedish_message(api, people, new_case, uploaded, app, monkeypatch):
    case = new_case()
    first = uploaded(case, samples.pdf(), "ett.pdf")
    monkeypatch.setitem(app.config, "ATTACHMENT_CASE_MAX_BYTES", first["size"] + 100)
    response = api(people["reporter"]).upload(case.reference, samples.pdf(), "tva.pdf")
    assert response.status_code == 422
    assert "tillsammans vara högst" in response.json["errors"]["file"][0]


def test_another_organisations_case_is_404(api, people, new_case, uploaded):
    case = new_case()
    attachment = uploaded(case, samples.pdf(), "epikris.pdf")
    stranger = api(people["stranger"])
    assert stranger.upload(case.reference, samples.pdf(), "x.pdf").status_code == 404
    assert stranger.get(f"/cases/{case.reference}/attachments/{attachment['id']}").status_code == 404
    assert stranger.get(f"/cases/{case.reference}/attachments").status_code == 404
    other = new_case(reporter=people["other_reporter"])
    # An id from another case, asked for through a case one may see, is 404 too.
    handler = api(people["receiver_handler"])
    assert handler.get(f"/cases/{other.reference}/attachments/{attachment['id']}").status_code == 404


def test_a_message_or_answer_may_carry_attachments_of_its_author(api, people, new_case, act):
    case = new_case()
    own = add_message(people["reporter"], case, "Här är läkemedelslistan.", now_utc())
    theirs = add_message(people["receiver_handler"], case, "Tack.", now_utc())
    db.session.commit()
    client = api(people["reporter"])
    ok = client.upload(case.reference, samples.pdf(), "lista.pdf", message_id=own.id)
    assert ok.status_code == 201 and ok.json["message_id"] == own.id
    refused = client.upload(case.reference, samples.pdf(), "lista.pdf", message_id=theirs.id)
    assert refused.status_code == 422 and "message_id" in refused.json["errors"]
    bad = client.upload(case.reference, samples.pdf(), "lista.pdf", message_id="tre")
    assert bad.status_code == 422 and "message_id" in bad.json["errors"]
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "answer")
    answer = case.answers[-1]
    by_handler = api(people["receiver_handler"]).upload(case.reference, samples.png(), "rutin.png",
                                                         answer_id=answer.id)
    assert by_handler.status_code == 201 and by_handler.json["answer_id"] == answer.id


def test_a_closed_case_takes_no_more_attachments(api, people, new_case, act):
    case = new_case()
    act(people["reporter"], case, "withdraw", note="Fel mottagare.")
    response = api(people["reporter"]).upload(case.reference, samples.pdf(), "sen.pdf")
    assert response.status_code == 409


def test_the_upload_takes_multipart_only_and_the_rest_of_the_api_json_only(api, people, new_case, client):
    case = new_case()
    headers = api(people["reporter"]).headers
    as_json = client.post(f"/api/v1/cases/{case.reference}/attachments", json={"file": "x"}, headers=headers)
    assert as_json.status_code == 415 and "multipart" in as_json.json["message"]
    no_file = client.post(f"/api/v1/cases/{case.reference}/attachments", data={"file": "text, not a file"},
                          headers=headers, content_type="multipart/form-data")
    assert no_file.status_code == 422 and "file" in no_file.json["errors"]
    elsewhere = client.post(f"/api/v1/cases/{case.reference}/messages", data={"body": (io.BytesIO(b"x"), "x")},
                            headers=headers, content_type="multipart/form-data")
    assert elsewhere.status_code == 415


def test_an_idempotency_key_uploads_once(api, people, new_case, client):
    case = new_case()
    headers = api(people["reporter"]).headers | {"Idempotency-Key": "bilaga-1"}
    data = samples.pdf()

    def post():
        return client.post(f"/api/v1/cases/{case.reference}/attachments", headers=headers,
                           data={"file": (io.BytesIO(data), "brev.pdf")}, content_type="multipart/form-data")

    first, second = post(), post()
    assert first.status_code == second.status_code == 201
    assert second.headers.get("Idempotent-Replayed") == "true" and first.json["id"] == second.json["id"]
    assert len(db.session.scalars(select(Attachment)).all()) == 1


@pytest.mark.parametrize("state", [State.REJECTED, State.REMOVED])
def test_rejected_and_removed_attachments_are_never_served(api, people, new_case, uploaded, state):
    case = new_case()
    attachment = uploaded(case, samples.pdf(), "brev.pdf")
    row = db.session.get(Attachment, attachment["id"])
    row.state = state
    db.session.commit()
    response = api(people["reporter"]).get(f"/cases/{case.reference}/attachments/{attachment['id']}")
    assert response.status_code == 404 and response.is_json
