"""An attachment's row, and the table that keeps its bytes when the database stores them."""
import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvikelse.accounts.models import User
from avvikelse.cases.models import Answer, Case, Message
from avvikelse.core.models import UTCDateTime
from avvikelse.extensions import db


class State(enum.StrEnum):
    #: stored, waiting for the scanner: nobody can download it yet
    SCANNING = "scanning"
    #: downloadable (scanned, or unscanned when no scanner is configured: see `scanned`)
    CLEAN = "clean"
    #: the scanner found something: the bytes are deleted, the row stays as a record
    REJECTED = "rejected"
    #: retention removed the bytes and the file name with the case's free text
    REMOVED = "removed"

    @property
    def label(self) -> str:
        return str(LABELS[self])


LABELS = {
    State.SCANNING: _l("Virusskannas"),
    State.CLEAN: _l("Klar"),
    State.REJECTED: _l("Avvisad av virusskanningen"),
    State.REMOVED: _l("Borttagen efter bevarandetiden"),
}


class Attachment(db.Model):
    __tablename__ = "case_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    #: the message or answer it belongs to; neither means the case itself
    message_id: Mapped[int | None] = mapped_column(ForeignKey("case_messages.id"))
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("case_answers.id"))
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: sanitised; "" once retention removed it (a name can carry what a text can)
    filename: Mapped[str] = mapped_column(String(200))
    #: judged from the content, after conversion (HEIC arrives, JPEG is stored)
    content_type: Mapped[str] = mapped_column(String(100))
    #: bytes of the stored file (before encryption)
    size: Mapped[int]
    state: Mapped[State] = mapped_column(
        Enum(State, name="attachment_state", native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]))
    #: False when it was let through without a scanner configured ("Ej virusskannad")
    scanned: Mapped[bool] = mapped_column(default=False)
    scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: what the scanner found (a signature name), for a rejected file
    scan_result: Mapped[str | None] = mapped_column(String(200))
    #: which backend holds the bytes (disk, database, s3), and under which key; the key
    #: is None once the bytes are deleted
    storage: Mapped[str] = mapped_column(String(16))
    storage_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()
    message: Mapped[Message | None] = relationship()
    answer: Mapped[Answer | None] = relationship()
    uploader: Mapped[User] = relationship()

    @property
    def downloadable(self) -> bool:
        return self.state is State.CLEAN and self.storage_key is not None


class AttachmentBlob(db.Model):
    """The encrypted bytes, for the `database` backend (bytea on PostgreSQL). A table of
    its own, so listing attachments never reads a file."""

    __tablename__ = "attachment_blobs"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
