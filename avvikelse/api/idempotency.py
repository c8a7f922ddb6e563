"""Idempotency-Key on POST: a retrying client gets the first answer, not a second case.

The key is the caller's (per user, kept 24 h). The record is written in the request's own
transaction before the work: if the work fails on our side (5xx) both roll back and a
retry runs anew; if it commits, the stored response commits with it. A concurrent
second request with the same key meets the unique constraint and gets a 409.

Nothing personal is kept in clear: the stored response (which may carry the patient's
personnummer, a new token's secret or free text) is encrypted with the app's FieldCipher
and decrypted on replay, and the caller's key and the request's fingerprint are kept as
keyed digests (the cipher's blind index), so a dump cannot be searched or brute-forced
for a personnummer. Encrypting the response covers every POST the same way; re-reading
the case through the policy on replay would need a rule per endpoint.
"""
import hashlib
import json
from datetime import timedelta

from cryptography.fernet import InvalidToken
from flask import Response, current_app, g, request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from avvikelse.api.errors import error_response
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.integrations.models import IdempotencyRecord

HEADER = "Idempotency-Key"
KEEP = timedelta(hours=24)
KEY_MAX = 200


def replay_or_reserve():
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None or getattr(g, "api_user", None) is None:
        return None
    if not (0 < len(key) <= KEY_MAX and key.isascii() and key.isprintable() and " " not in key):
        return error_response(400, f"{HEADER} ska vara 1–{KEY_MAX} synliga ASCII-tecken, t.ex. ett UUID.")
    now, fingerprint, key = now_utc(), _fingerprint(), _digest("key", key)
    record = db.session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == g.api_user.id, IdempotencyRecord.key == key))
    if record is not None and record.created_at <= now - KEEP:
        db.session.delete(record)
        db.session.flush()
        record = None
    if record is not None:
        if record.fingerprint != fingerprint:
            return error_response(409, f"{HEADER} har redan använts för en annan begäran.")
        if record.status is None:  # pragma: no cover  (only a crash mid-commit leaves one)
            return error_response(409, "En begäran med samma nyckel pågår.")
        return _replay(record)
    record = IdempotencyRecord(user_id=g.api_user.id, key=key, fingerprint=fingerprint, created_at=now)
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:  # the same key, in a transaction not yet committed
        db.session.rollback()
        return error_response(409, "En begäran med samma nyckel pågår.")
    g.idempotency_record = record
    return None


def remember(response: Response) -> Response:
    record = g.pop("idempotency_record", None)
    if record is None or response.status_code >= 500:
        return response  # a 5xx is rolled back with the record: a retry runs again
    record.status = response.status_code
    record.body = _cipher().encrypt(response.get_data(as_text=True))
    record.content_type = response.content_type
    record.location = response.headers.get("Location")
    return response


def purge(now) -> int:
    """Forget keys older than 24 h; returns how many."""
    result = db.session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at <= now - KEEP))
    return result.rowcount or 0


def _cipher():
    return current_app.extensions["avvikelse.cipher"]


def _digest(purpose: str, value: str) -> str:
    """A keyed HMAC (64 hex): equal inputs match, and nothing can be guessed back."""
    return _cipher().blind_index(f"idempotency {purpose}\n{value}")


def _fingerprint() -> str:
    body = request.get_json(silent=True)
    if request.mimetype == "multipart/form-data":
        canonical = _multipart()
    else:
        canonical = (json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
                     if body is not None else request.get_data())
    plain = hashlib.sha256(b"%s %s\n%s" % (request.method.encode(), request.path.encode(), canonical))
    return _digest("request", plain.hexdigest())


def _multipart() -> bytes:
    """A multipart body (an attachment's upload) by what it carries: its boundary is new
    with every send, so the raw bytes of a retry never match."""
    digest = hashlib.sha256()
    # A malformed part header gives a field without a name (None): sort it as "".
    for name, value in sorted(request.form.items(multi=True), key=lambda item: (item[0] or "", item[1])):
        digest.update(json.dumps(["field", name, value]).encode())
    for name, stored in sorted(request.files.items(multi=True), key=lambda item: item[0] or ""):
        content = hashlib.sha256(stored.stream.read()).hexdigest()
        stored.stream.seek(0)  # the view reads it next
        digest.update(json.dumps(["file", name, stored.filename, content]).encode())
    return digest.hexdigest().encode()


def _replay(record: IdempotencyRecord) -> Response:
    try:
        body = _cipher().decrypt(record.body) if record.body is not None else None
    except InvalidToken:  # stored under a key since removed from AVVIKELSE_ENCRYPTION_KEY
        return error_response(409, f"Svaret kan inte återges. Skicka begäran med en ny {HEADER}.")
    response = Response(body, status=record.status, content_type=record.content_type)
    if record.location:
        response.headers["Location"] = record.location
    response.headers["Idempotent-Replayed"] = "true"
    return response
