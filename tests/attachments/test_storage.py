"""Each backend keeps only encrypted bytes and gives back exactly what was stored: disk
and database on each database the run uses, S3 once against a local S3 server."""
from pathlib import Path

import pytest
from sqlalchemy import select

from avvikelse.attachments import storage
from avvikelse.attachments.models import Attachment, AttachmentBlob
from avvikelse.extensions import db
from tests.attachments import samples
from tests.fixtures.servers import missing


def _stored_bytes(row: Attachment, app) -> bytes:
    if row.storage == "disk":
        return (Path(app.config["ATTACHMENT_FOLDER"]) / row.storage_key[:2] / row.storage_key).read_bytes()
    return db.session.get(AttachmentBlob, row.storage_key).data


def test_a_backend_keeps_the_file_encrypted_and_gives_it_back(backend, app, api, people, new_case, uploaded):
    case, sent = new_case(), samples.pdf(trailer=b"%Tolvan Tolvansson\n")
    attachment = uploaded(case, sent, "epikris.pdf")
    row = db.session.get(Attachment, attachment["id"])
    assert row.storage == backend
    at_rest = _stored_bytes(row, app)
    assert b"%PDF" not in at_rest and b"Tolvan" not in at_rest and len(at_rest) > len(sent)
    got = api(people["receiver_handler"]).get(f"/cases/{case.reference}/attachments/{attachment['id']}")
    assert got.status_code == 200 and got.data == sent


def test_a_change_of_backend_leaves_earlier_files_readable(app, monkeypatch, api, people, new_case, uploaded):
    case = new_case()
    on_disk = uploaded(case, samples.pdf(), "forsta.pdf")
    monkeypatch.setitem(app.config, "ATTACHMENT_STORAGE", "database")
    in_db = uploaded(case, samples.png(), "andra.png")
    client = api(people["reporter"])
    for attachment in (on_disk, in_db):
        assert client.get(f"/cases/{case.reference}/attachments/{attachment['id']}").status_code == 200
    assert [r.storage for r in db.session.scalars(select(Attachment).order_by(Attachment.id))] == ["disk", "database"]


def test_disk_keys_cannot_name_another_path(app):
    with pytest.raises(ValueError):
        storage.store("disk").get("../../encryption.key")


def test_a_backend_we_do_not_have_or_s3_without_settings_stops_the_start():
    with pytest.raises(ValueError, match="ATTACHMENT_STORAGE"):
        storage.check_config({"ATTACHMENT_STORAGE": "ftp"})
    with pytest.raises(ValueError, match="ATTACHMENT_S3_BUCKET"):
        storage.check_config({"ATTACHMENT_STORAGE": "s3", "ATTACHMENT_S3_ENDPOINT": "http://127.0.0.1:9"})


@pytest.fixture(scope="module")
def s3_server():
    """moto's S3-compatible server in a thread on 127.0.0.1, port from the kernel."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        missing("moto[server] is not installed (pip install -e '.[test]')")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.mark.integration
def test_s3_against_a_local_s3_server(s3_server, app, monkeypatch, api, people, new_case, uploaded):
    for name, value in {"ATTACHMENT_STORAGE": "s3", "ATTACHMENT_S3_ENDPOINT": s3_server,
                        "ATTACHMENT_S3_BUCKET": "avvikelse-bilagor", "ATTACHMENT_S3_ACCESS_KEY": "test",
                        "ATTACHMENT_S3_SECRET_KEY": "test-secret", "ATTACHMENT_S3_REGION": "eu-north-1"}.items():
        monkeypatch.setitem(app.config, name, value)
    store = storage.store("s3")
    if not store.client.bucket_exists("avvikelse-bilagor"):
        store.client.make_bucket("avvikelse-bilagor", location="eu-north-1")

    case, sent = new_case(), samples.pdf(trailer=b"%Tolvan Tolvansson\n")
    attachment = uploaded(case, sent, "epikris.pdf")
    row = db.session.get(Attachment, attachment["id"])
    assert row.storage == "s3"
    at_rest = store.get(row.storage_key)
    assert b"%PDF" not in at_rest and b"Tolvan" not in at_rest
    got = api(people["receiver_handler"]).get(f"/cases/{case.reference}/attachments/{attachment['id']}")
    assert got.status_code == 200 and got.data == sent

    storage.delete("s3", row.storage_key)
    with pytest.raises(storage.Missing):
        store.get(row.storage_key)
    storage.delete("s3", row.storage_key)  # deleting what is gone is no error


def test_s3_that_does_not_answer_is_a_503_not_a_500(app, monkeypatch, api, people, new_case):
    from tests.attachments.conftest import closed_port

    for name, value in {"ATTACHMENT_STORAGE": "s3", "ATTACHMENT_S3_ENDPOINT": f"http://127.0.0.1:{closed_port()}",
                        "ATTACHMENT_S3_BUCKET": "bilagor", "ATTACHMENT_S3_ACCESS_KEY": "k",
                        "ATTACHMENT_S3_SECRET_KEY": "s", "ATTACHMENT_S3_REGION": "eu-north-1",
                        "ATTACHMENT_S3_TIMEOUT_SECONDS": 2}.items():
        monkeypatch.setitem(app.config, name, value)
    response = api(people["reporter"]).upload(new_case().reference, samples.pdf(), "brev.pdf")
    assert response.status_code == 503 and "Försök igen" in response.json["message"]
    assert db.session.scalar(select(Attachment.id)) is None
