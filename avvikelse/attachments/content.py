"""What an uploaded file is, judged by its content, and what of it is kept.

- The type comes from the first bytes (PDF, JPEG, PNG, HEIC/HEIF), never from the name;
  a name or declared type that says otherwise is refused (415), as is anything else.
- Images are decoded with Pillow (within a pixel limit, so a decompression bomb is a 422,
  not a dead worker) and encoded anew from their pixels: no EXIF (camera, GPS), no
  comments, no colour profile, nothing appended after the image. A polyglot (a JPEG that
  is also a ZIP or an HTML page) therefore comes out as a plain JPEG. HEIC/HEIF become
  JPEG, which every browser and office program can show.
- PDFs are kept as sent, but only when pypdf can read them, they are not encrypted, and
  no object in them holds JavaScript, a launch action, an XFA form or an embedded file.
- File names lose any folder, control and direction characters, and a personnummer.

Errors are Swedish and user-facing: `Unsupported` (415), `TooLarge` (413) and
`ValidationFailed` on the `file` field (422).
"""
import io
import re
import unicodedata
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from avvikelse.core import personnummer
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import DomainError, ValidationFailed

pillow_heif.register_heif_opener()

FIELD = "file"
PDF, JPEG, PNG, HEIC, HEIF = "application/pdf", "image/jpeg", "image/png", "image/heic", "image/heif"
#: what a type is stored as, and with which extension
STORED_AS = {PDF: (PDF, ".pdf"), JPEG: (JPEG, ".jpg"), PNG: (PNG, ".png"),
             HEIC: (JPEG, ".jpg"), HEIF: (JPEG, ".jpg")}
#: the extensions and declared types that claim one of our types; HEIC and HEIF are one family
CLAIMS = {
    ".pdf": PDF, ".jpg": JPEG, ".jpeg": JPEG, ".jpe": JPEG, ".jfif": JPEG, ".png": PNG,
    ".heic": HEIC, ".heif": HEIC, ".hif": HEIC,
    "application/pdf": PDF, "application/x-pdf": PDF, "image/jpeg": JPEG, "image/jpg": JPEG,
    "image/pjpeg": JPEG, "image/png": PNG, "image/heic": HEIC, "image/heif": HEIC,
    "image/heic-sequence": HEIC, "image/heif-sequence": HEIC,
}
FAMILY = {PDF: PDF, JPEG: JPEG, PNG: PNG, HEIC: HEIC, HEIF: HEIC}
NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", HEIC: "HEIC", HEIF: "HEIF"}
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1"}
_PIL_FORMATS = {JPEG: ["JPEG", "MPO"], PNG: ["PNG"], HEIC: ["HEIF"], HEIF: ["HEIF"]}

#: PDF dictionary keys and action types that run something in the reader
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/XFA", "/EmbeddedFiles", "/EF"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/RichMediaExecute", "/GoToE"}
_PDF_OBJECTS_MAX = 200_000
_NAME_MAX = 100


class Unsupported(DomainError):
    status = 415


class TooLarge(DomainError):
    status = 413


@dataclass(frozen=True)
class Prepared:
    filename: str
    content_type: str
    data: bytes


def invalid(message: str) -> ValidationFailed:
    return ValidationFailed({FIELD: [message]})


def sniff(data: bytes) -> str | None:
    """The type the first bytes show, or None. Strict: a PDF must begin with its header
    (readers accept it up to 1 KiB in, which is how PDF polyglots begin)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if len(data) >= 12 and data[4:8] == b"ftyp":
        if data[8:12] in _HEIC_BRANDS:
            return HEIC
        if data[8:12] in _HEIF_BRANDS:
            return HEIF
    return None


def allowed_names(allowed: set[str]) -> str:
    return ", ".join(dict.fromkeys(NAMES[t] for t in (PDF, JPEG, PNG, HEIC, HEIF) if t in allowed))


def judge(data: bytes, filename: str, declared: str | None, allowed: set[str]) -> str:
    """The file's type from its content; 415 when it is none we take, or when its name or
    declared type claims another of our types (a JPEG called .pdf, a PDF sent as PNG)."""
    found = sniff(data)
    if found is None or found not in allowed:
        raise Unsupported(f"Filtypen tas inte emot. Skicka en fil av typen {allowed_names(allowed)}.")
    extension = _extension(filename)
    for claim in (CLAIMS.get(extension), CLAIMS.get((declared or "").split(";")[0].strip().lower())):
        if claim is not None and FAMILY[claim] != FAMILY[found]:
            raise Unsupported(f"Filens innehåll är {NAMES[found]}, men namnet eller typen säger "
                              f"{NAMES[claim]}. Skicka filen med rätt namn.")
    return found


def prepare(data: bytes, filename: str, declared: str | None, *, allowed: set[str],
            max_bytes: int, max_pixels: int) -> Prepared:
    """What will be stored for an upload, or the reason it is refused."""
    if not data:
        raise invalid("Filen är tom.")
    if len(data) > max_bytes:
        raise TooLarge(f"Filen är för stor. Största tillåtna storlek är {megabytes(max_bytes)}.")
    found = judge(data, filename, declared, allowed)
    stored_type, extension = STORED_AS[found]
    if found == PDF:
        check_pdf(data)
        kept = data
    else:
        kept = reencode(data, found, stored_type, max_pixels)
    return Prepared(safe_filename(filename, extension), stored_type, kept)


def megabytes(size: int) -> str:
    """10 MB, 1,5 MB, 350 kB: Swedish decimal comma, whatever the page's language."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} kB"
    value = size / (1024 * 1024)
    text = f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}".replace(".", ",")
    return f"{text} MB"


# -- images -------------------------------------------------------------------------------

def reencode(data: bytes, found: str, stored_type: str, max_pixels: int) -> bytes:
    """The image's pixels, upright, in a new file with no metadata at all."""
    too_big = invalid(f"Bilden är för stor: högst {max_pixels / 1_000_000:.0f} miljoner pixlar.")
    try:
        with Image.open(io.BytesIO(data), formats=_PIL_FORMATS[found]) as image:
            width, height = image.size
            if width <= 0 or height <= 0:
                raise invalid("Bilden kunde inte läsas. Kontrollera att filen är hel.")
            if width * height > max_pixels:
                raise too_big
            # The orientation lives in the EXIF that is dropped: turn the pixels first.
            frame = ImageOps.exif_transpose(image)
            frame.load()
    except ValidationFailed:
        raise
    except Image.DecompressionBombError:
        raise too_big from None
    except Exception:  # Pillow raises many kinds for a broken or hostile file
        raise invalid("Bilden kunde inte läsas. Kontrollera att filen är hel.") from None
    return _encode(frame, stored_type)


def _encode(frame: Image.Image, stored_type: str) -> bytes:
    if stored_type == JPEG:
        if frame.mode not in ("RGB", "L"):
            frame = frame.convert("RGBA").convert("RGB") if frame.mode == "P" else frame.convert("RGB")
    else:  # PNG: transparency survives as an alpha channel, everything else goes
        if "transparency" in frame.info or frame.mode not in ("1", "L", "LA", "RGB", "RGBA", "P"):
            frame = frame.convert("RGBA" if "transparency" in frame.info or "A" in frame.mode else "RGB")
    frame.info = {}  # EXIF, XMP, ICC, text chunks, comments: nothing goes along
    out = io.BytesIO()
    if stored_type == JPEG:
        frame.save(out, "JPEG", quality=90, exif=b"")
    else:
        frame.save(out, "PNG")
    return out.getvalue()


# -- PDF ----------------------------------------------------------------------------------

def check_pdf(data: bytes) -> None:
    """A PDF that pypdf reads, unencrypted, with nothing in it that runs."""
    unreadable = invalid("PDF-filen kunde inte läsas. Kontrollera att filen är hel.")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise invalid("PDF-filen är krypterad eller lösenordsskyddad. Spara den utan "
                          "lösenord och försök igen.")
        if len(reader.pages) < 1:
            raise unreadable
        if _has_active_content(reader.trailer):
            raise invalid("PDF-filen innehåller skript, kommandon eller inbäddade filer och kan "
                          "inte tas emot. Skriv ut den till en ny PDF och försök igen.")
    except ValidationFailed:
        raise
    except Exception:  # pypdf raises many kinds for a broken or hostile file
        raise unreadable from None


def _has_active_content(root) -> bool:
    """Walk every object reachable from the trailer (names are decoded, so `/J#61vaScript`
    is `/JavaScript` here; objects in object streams are resolved)."""
    stack, seen, visited = [root], set(), 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            ref = (item.idnum, item.generation)
            if ref in seen:
                continue
            seen.add(ref)
            item = item.get_object()
        visited += 1
        if visited > _PDF_OBJECTS_MAX:
            return True  # too complex to judge: refused as if it ran something
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                if key in _ACTIVE_KEYS:
                    return True
                if (key == "/S" and value in _ACTIVE_ACTIONS) or \
                        (key == "/Type" and value == "/EmbeddedFile"):
                    return True
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return False


# -- names --------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[<>:"|?*]')
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}  # controls, bidi/zero-width, surrogates


def safe_filename(raw: str | None, extension: str) -> str:
    """A name to show and to offer on download: no folders, no control or direction
    characters (U+202E would show "gpj.exe" as "exe.jpg"), no personnummer, at most
    100 characters, and the extension of what is stored."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(" " if c.isspace() else c for c in name
                   if c.isspace() or unicodedata.category(c) not in _DROPPED_CATEGORIES)
    name = " ".join(_UNSAFE.sub("_", name).split()).strip(" .")
    name = personnummer.mask(name, now_utc().date()) or ""
    stem, dot, ext = name.rpartition(".")
    if not dot or CLAIMS.get("." + ext.lower()) is None:
        stem = name
    stem = stem[:_NAME_MAX].rstrip(" .") or "bilaga"
    return stem + extension


def _extension(filename: str | None) -> str:
    base = re.split(r"[\\/]", filename or "")[-1]
    _, dot, ext = base.rpartition(".")
    return "." + ext.strip().lower() if dot else ""
