"""Attachments over the API: upload (multipart, field `file`), list, download the bytes."""
from flask import g, request, url_for

from avvikelse.api.errors import fail, invalid
from avvikelse.attachments import services
from avvikelse.attachments.http import file_response
from avvikelse.attachments.models import Attachment
from avvikelse.cases.policy import get_case_for, log_reads
from avvikelse.core.clock import iso, now_utc


def serialize(attachment: Attachment) -> dict:
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "state": str(attachment.state),
        "scanned": attachment.scanned,
        "message_id": attachment.message_id,
        "answer_id": attachment.answer_id,
        "uploaded_at": iso(attachment.uploaded_at),
        "uploader": attachment.uploader.username if attachment.uploader else None,
    }


def upload_attachment(reference: str):
    case = get_case_for(g.api_user, reference)  # a case one may not see: 404 before all else
    if request.mimetype != "multipart/form-data":
        fail(415, "Skicka filen som multipart/form-data, i fältet file.")
    errors: dict[str, list[str]] = {}
    stored = request.files.get("file")
    if stored is None:
        errors["file"] = ["Skicka filen som multipart/form-data i fältet file."]
    ids = {name: _positive_int(name, errors) for name in ("message_id", "answer_id")}
    if errors:
        invalid(errors)
    attachment = services.add(g.api_user, case, services.Upload(
        filename=stored.filename or "", content_type=stored.mimetype, data=stored.read(), **ids),
        now_utc())
    location = url_for(".get_attachment", reference=case.reference, attachment_id=attachment.id)
    return serialize(attachment), 201, {"Location": location}


def _positive_int(name: str, errors: dict) -> int | None:
    raw = request.form.get(name)
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**31):
        errors[name] = ["Ange ett positivt heltal."]
        return None
    return int(raw)


def list_attachments(reference: str):
    case = get_case_for(g.api_user, reference)
    return {"items": [serialize(a) for a in services.for_case(case)]}


def get_attachment(reference: str, attachment_id: int):
    case = get_case_for(g.api_user, reference)
    attachment = services.refuse_unless_downloadable(services.find(case, attachment_id))
    data = services.read(attachment)
    log_reads(g.api_user, [case], action="download")
    return file_response(attachment, data)
