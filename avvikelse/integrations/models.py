"""What integrations keep: idempotent POST results, webhook endpoints and deliveries."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvikelse.core.clock import now_utc
from avvikelse.core.models import UTCDateTime
from avvikelse.directory.models import Organisation
from avvikelse.extensions import db


class IdempotencyRecord(db.Model):
    """The first response to a POST carrying an Idempotency-Key, per caller, for 24 h.

    Nothing here is readable without the app's encryption key (api/idempotency.py)."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_records_user_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: keyed HMAC of the caller's Idempotency-Key (the key itself is not kept)
    key: Mapped[str] = mapped_column(String(200))
    #: keyed HMAC of a SHA-256 of method, path and body: the same key with another
    #: request is a 409
    fingerprint: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    status: Mapped[int | None]
    #: the response body, encrypted with the app's FieldCipher (it may name the patient)
    body: Mapped[str | None] = mapped_column(Text)
    content_type: Mapped[str | None] = mapped_column(String(100))
    location: Mapped[str | None] = mapped_column(String(500))


class WebhookEndpoint(db.Model):
    """An organisation's receiver of signed case events."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    url: Mapped[str] = mapped_column(String(500))
    #: the signing secret, encrypted with the app's FieldCipher (it must be read to sign)
    secret_encrypted: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    organisation: Mapped[Organisation] = relationship()


class WebhookDelivery(db.Model):
    """One event to one endpoint, and how its delivery went: the delivery log."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"), index=True)
    #: unique per event and endpoint, sent as the event id: receivers de-duplicate on it
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    #: ids and status only: never patient data or free text
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    #: pending, delivered, failed (gave up after the last retry)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    endpoint: Mapped[WebhookEndpoint] = relationship()
