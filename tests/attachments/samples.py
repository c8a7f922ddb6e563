"""Files made in the test, never committed: photos with GPS, PDFs with scripts, bombs."""
import io
import struct
import zipfile
import zlib

from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

#: the anti-virus test string (eicar.org): harmless, and every scanner reports it
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
#: Åre, as a phone would write it
GPS = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (63.0, 23.0, 52.0),
       ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (13.0, 4.0, 51.0)}


def photo(size=(64, 48), fmt="JPEG", gps=True, orientation=None, color=(180, 40, 40)) -> bytes:
    """A phone photo: camera make and model, GPS position, optionally an orientation."""
    image = Image.new("RGB", size, color)
    image.putpixel((0, 0), (0, 255, 0))  # a marker to check that rotation happened
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Telefonbolaget"
    exif[ExifTags.Base.Model] = "Kamera 12 Pro"
    if gps:
        exif[ExifTags.IFD.GPSInfo] = GPS
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    out = io.BytesIO()
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


def png(size=(32, 32), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (10, 120, 200, 128) if mode == "RGBA" else (10, 120, 200)).save(out, "PNG")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny file claiming a huge image: a decompression bomb's header."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))

    ihdr = struct.pack("!IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b""))


def polyglot_jpeg() -> bytes:
    """A JPEG with an HTML page in a comment and a ZIP archive after its end."""
    image = io.BytesIO()
    Image.new("RGB", (16, 16), (1, 2, 3)).save(image, "JPEG", comment=b"<html><script>alert(1)</script>")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.html", "<script>alert(document.cookie)</script>")
    return image.getvalue() + archive.getvalue()


def pdf(*, javascript: str | None = None, launch: bool = False, password: str | None = None,
        trailer: bytes = b"") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    action = None
    if javascript:
        action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                   NameObject("/JS"): TextStringObject(javascript)})
    if launch:
        action = DictionaryObject({NameObject("/S"): NameObject("/Launch"),
                                   NameObject("/F"): TextStringObject("cmd.exe")})
    if action is not None:
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue() + trailer
