"""One lean journey: a reporter on a phone uploads a phone photo (with GPS in its EXIF)
to a case; the receiving handler downloads it, and the file that arrives has no GPS.
axe checks the case page with its attachments on the way."""
from __future__ import annotations

import io

from PIL import ExifTags, Image
from playwright.sync_api import expect

from avvikelse.core import outbox
from avvikelse.extensions import db
from tests.attachments import samples
from tests.browser.a11y import visit
from tests.browser.conftest import PHONE
from tests.browser.steps import sign_in


def test_a_phone_photo_reaches_the_handler_without_its_position(new_page, people, new_case, app,
                                                               monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "ATTACHMENT_FOLDER", str(tmp_path / "attachments"))
    case = new_case()
    photo = samples.photo(size=(400, 300))
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    reporter = new_page(PHONE, is_mobile=True, has_touch=True)
    sign_in(reporter, people["reporter"], next_path=f"/arenden/{case.reference}")
    expect(reporter.get_by_text("Fotografera inte patientens ansikte.")).to_be_visible()
    visit(reporter, "case with the upload form", shot="attachment-form")
    reporter.get_by_label("Fil").set_input_files(
        files=[{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": photo}])
    reporter.get_by_role("button", name="Ladda upp bilaga").click()
    expect(reporter.locator(".flash--success")).to_contain_text("IMG_2041.jpg")
    visit(reporter, "case with an attachment being scanned")

    db.session.rollback()  # the server wrote in its own thread
    outbox.drain()  # the scan step: no scanner here, so clean and marked unscanned

    handler = new_page()
    sign_in(handler, people["receiver_handler"], next_path=f"/arenden/{case.reference}")
    table = handler.get_by_role("table", name="Ärendets bilagor")
    expect(table).to_contain_text("IMG_2041.jpg")
    expect(table).to_contain_text("Ej virusskannad")
    visit(handler, "case with attachments", shot="attachments")
    with handler.expect_download() as download:
        handler.get_by_role("link", name="IMG_2041.jpg").click()
    assert download.value.suggested_filename == "IMG_2041.jpg"
    image = Image.open(download.value.path())
    assert image.format == "JPEG" and image.size == (400, 300)
    assert not image.getexif().get_ifd(ExifTags.IFD.GPSInfo) and not image.getexif()
