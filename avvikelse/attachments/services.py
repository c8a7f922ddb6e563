"""Adding an attachment, finding one to download, and retention's part.

An upload is checked whole before anything is written (content.py), then stored
encrypted (storage.py), and its row, the case's history row, the uploader's access-log
row (through `record_change`) and the `attachment.uploaded` event that sets off the scan
are written in one transaction. The bytes reach disk or S3 just before that transaction
commits: a commit that then fails leaves an encrypted file nobody refers to, never a row
without its file.
"""
import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from avvikelse.accounts.models import User
from avvikelse.attachments import content, storage
from avvikelse.attachments.models import Attachment, AttachmentBlob, State
from avvikelse.cases.changes import record_change
from avvikelse.cases.enums import ENDED_STATUSES
from avvikelse.cases.models import Answer, Case, Message
from avvikelse.cases.policy import can_read, can_view, sides
from avvikelse.cases.rules import refuse_unless
from avvikelse.core import outbox
from avvikelse.core.errors import DomainError, NotFound, ValidationFailed
from avvikelse.extensions import db

log = logging.getLogger(__name__)

#: what counts against a case's total: what is or may become downloadable
_COUNTED = (State.SCANNING, State.CLEAN)
_ENDED = ENDED_STATUSES


class Unavailable(DomainError):
    """The storage backend did not answer."""

    status = 503


class NotYet(DomainError):
    """Still being scanned."""

    status = 409


@dataclass
class Upload:
    filename: str
    content_type: str | None
    data: bytes
    message_id: int | None = None
    answer_id: int | None = None


def allowed_types() -> set[str]:
    raw = current_app.config["ATTACHMENT_TYPES"]
    return {t.strip().lower() for t in (raw.split(",") if isinstance(raw, str) else raw) if t.strip()}


def may_upload(user: User, case: Case) -> bool:
    """A party to the case (as the policy sees it) while the case is open."""
    return bool(sides(user, case)) and case.status not in _ENDED


def add(user: User, case: Case, upload: Upload, now: datetime) -> Attachment:
    if not can_read(user, case):
        raise NotFound("Ärendet finns inte eller så saknar du behörighet att se det.")
    refuse_unless(can_view(user, case),
                  "Du läser ärendet genom en utredning; bara ärendets två sidor lägger till bilagor.")
    refuse_unless(case.status not in _ENDED,
                  "Ärendet är avslutat; det går inte att lägga till fler bilagor.")
    message, answer = _target(user, case, upload)
    config = current_app.config
    prepared = content.prepare(
        upload.data, upload.filename, upload.content_type, allowed=allowed_types(),
        max_bytes=config["ATTACHMENT_MAX_BYTES"], max_pixels=config["ATTACHMENT_MAX_PIXELS"])
    _check_case_total(case, len(prepared.data), config["ATTACHMENT_CASE_MAX_BYTES"])
    try:
        backend, key = storage.save(prepared.data)
    except storage.StorageUnavailable as exc:
        log.warning("attachment storage unavailable: %s", exc)
        raise Unavailable("Bilagan kunde inte sparas just nu. Försök igen om en stund.") from None
    attachment = Attachment(
        case=case, message=message, answer=answer, uploader=user, uploaded_at=now,
        filename=prepared.filename, content_type=prepared.content_type, size=len(prepared.data),
        state=State.SCANNING, storage=backend, storage_key=key)
    db.session.add(attachment)
    # History and the PDL log like any change; the scan, not the parties, follows it.
    record_change(case, "attach", user, now, note=prepared.filename, announce=False)
    db.session.flush()
    outbox.emit("attachment.uploaded", attachment_id=attachment.id, reference=case.reference)
    return attachment


def _target(user: User, case: Case, upload: Upload) -> tuple[Message | None, Answer | None]:
    """The message or answer it goes with: one of the case's, written by the uploader."""
    if upload.message_id is not None and upload.answer_id is not None:
        raise ValidationFailed({"message_id": ["Välj ett meddelande eller ett svar, inte båda."]})
    if upload.message_id is not None:
        message = db.session.get(Message, upload.message_id)
        if message is None or message.case_id != case.id or message.author_id != user.id:
            raise ValidationFailed({"message_id": [
                "Meddelandet finns inte i ärendet, eller så har du inte skrivit det."]})
        return message, None
    if upload.answer_id is not None:
        answer = db.session.get(Answer, upload.answer_id)
        if answer is None or answer.case_id != case.id or answer.author_id != user.id:
            raise ValidationFailed({"answer_id": [
                "Svaret finns inte i ärendet, eller så har du inte skrivit det."]})
        return None, answer
    return None, None


def _check_case_total(case: Case, size: int, most: int) -> None:
    used = db.session.scalar(select(func.coalesce(func.sum(Attachment.size), 0)).where(
        Attachment.case_id == case.id, Attachment.state.in_(_COUNTED))) or 0
    if used + size > most:
        left = max(most - used, 0)
        raise content.invalid(
            f"Ärendets bilagor får tillsammans vara högst {content.megabytes(most)}; det finns "
            f"plats för {content.megabytes(left)} till. Ta bort något ur filen eller dela upp den.")


def for_case(case: Case) -> list[Attachment]:
    stmt = (select(Attachment).where(Attachment.case_id == case.id)
            .options(joinedload(Attachment.uploader)).order_by(Attachment.id))
    return list(db.session.scalars(stmt))


def find(case: Case, attachment_id: int) -> Attachment | None:
    return db.session.scalar(select(Attachment).where(
        Attachment.id == attachment_id, Attachment.case_id == case.id))


def refuse_unless_downloadable(attachment: Attachment | None) -> Attachment:
    if attachment is None:
        raise NotFound("Bilagan finns inte.")
    if attachment.state is State.SCANNING:
        raise NotYet("Bilagan virusskannas fortfarande. Försök igen om en stund.")
    if attachment.state is State.REJECTED:
        raise NotFound("Bilagan avvisades av virusskanningen och kan inte hämtas.")
    if attachment.state is State.REMOVED or attachment.storage_key is None:
        raise NotFound("Bilagan är borttagen efter bevarandetiden.")
    return attachment


def read(attachment: Attachment) -> bytes:
    try:
        return storage.load(attachment.storage, attachment.storage_key)
    except storage.Missing:
        log.error("attachment %s: no bytes in %s", attachment.id, attachment.storage)
        raise NotFound("Bilagans fil saknas. Kontakta förvaltningen.") from None
    except storage.StorageUnavailable as exc:
        log.warning("attachment storage unavailable: %s", exc)
        raise Unavailable("Bilagan kan inte hämtas just nu. Försök igen om en stund.") from None


# -- retention (retention/services.py calls these) ----------------------------------------

def remove_for_cases(cases, now: datetime) -> int:
    """The attachments of cases whose free text retention removes: a file can say all a
    text can (a letter names the patient), so they go with it. Their rows stay as a record
    (type, size, dates), without a file name. Bytes in the database go in this
    transaction; files on disk or in S3 after its commit (`delete_removed_files`)."""
    owned = Attachment.case_id.in_(cases)
    db.session.execute(
        AttachmentBlob.__table__.delete().where(AttachmentBlob.key.in_(
            select(Attachment.storage_key).where(owned, Attachment.storage == "database"))))
    db.session.execute(update(Attachment).where(owned, Attachment.storage == "database")
                       .values(storage_key=None).execution_options(synchronize_session=False))
    result = db.session.execute(
        update(Attachment).where(owned, Attachment.state != State.REMOVED)
        .values(state=State.REMOVED, filename="", removed_at=now)
        .execution_options(synchronize_session=False))
    return result.rowcount or 0


def delete_removed_files(batch: int = 200) -> int:
    """Delete the bytes of removed attachments that still have them (on disk or in S3),
    then forget their keys; each batch commits. A run cut short leaves keys for the next."""
    deleted = 0
    while True:
        rows = db.session.execute(
            select(Attachment.id, Attachment.storage, Attachment.storage_key).where(
                Attachment.state == State.REMOVED, Attachment.storage_key.is_not(None))
            .order_by(Attachment.id).limit(batch)).all()
        if not rows:
            return deleted
        for row in rows:
            storage.delete(row.storage, row.storage_key)
        db.session.execute(update(Attachment).where(Attachment.id.in_([r.id for r in rows]))
                           .values(storage_key=None).execution_options(synchronize_session=False))
        db.session.commit()
        deleted += len(rows)
