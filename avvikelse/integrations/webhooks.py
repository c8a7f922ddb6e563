"""Webhooks: an organisation's systems hear about its cases as they move.

Events: case.received, case.answered, case.escalated, case.closed; investigation.opened,
investigation.approved, investigation.closed, investigation.overdue; measure.created,
measure.status_changed, measure.effect_checked, measure.overdue (and `ping` from the
"send test event" button). `case_changed` and `learning_changed` are outbox handlers
(avvikelse/events.py): they hear every change of a case, an investigation or a measure
and write a delivery row per endpoint of each organisation concerned, and a
`webhook.deliver` event for each, in the handler's own transaction. A worker POSTs it;
a failure is retried with doubling delays until WEBHOOK_MAX_ATTEMPTS.

Payloads carry ids and status only, never patient data or free text. Each request is
signed: `Avvikelse-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the
endpoint's secret; receivers check the HMAC and that t is recent (see `verify`).
"""
import hashlib
import hmac
import http.client
import json
import logging
import secrets
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from avvikelse.accounts.models import User
from avvikelse.cases.changes import changed_at
from avvikelse.cases.enums import Status
from avvikelse.cases.models import Case
from avvikelse.cases.queries import by_reference
from avvikelse.core import outbox
from avvikelse.core.clock import iso, now_utc
from avvikelse.core.dispatch import DELIVER_WEBHOOK, dispatch
from avvikelse.core.errors import NotFound, ValidationFailed
from avvikelse.extensions import db
from avvikelse.integrations import targets
from avvikelse.integrations.models import WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)

CASE_EVENTS = ("case.received", "case.answered", "case.escalated", "case.closed")
INVESTIGATION_EVENTS = ("investigation.opened", "investigation.approved", "investigation.closed",
                        "investigation.overdue")
MEASURE_EVENTS = ("measure.created", "measure.status_changed", "measure.effect_checked", "measure.overdue")
EVENTS = (*CASE_EVENTS, *INVESTIGATION_EVENTS, *MEASURE_EVENTS)
SIGNATURE_HEADER = "Avvikelse-Signature"
TOLERANCE = timedelta(minutes=5)
MAX_DELAY = timedelta(hours=6)


# -- endpoints ---------------------------------------------------------------------------

def _cipher():
    return current_app.extensions["avvikelse.cipher"]


def check_url(url: str) -> list[str]:
    """Problems with a receiver address; [] when it is acceptable (integrations/targets.py:
    https to public addresses, plain http only to WEBHOOK_ALLOWED_NETWORKS)."""
    return targets.check_url(url)


def register(admin: User, url: str, description: str) -> tuple[WebhookEndpoint, str]:
    """A new endpoint for the admin's organisation and its signing secret (shown once)."""
    problems = check_url(url or "")
    if problems:
        raise ValidationFailed({"url": problems})
    secret = "whsec_" + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(organisation_id=admin.organisation_id, url=url.strip(),
                               description=(description or "").strip()[:200],
                               secret_encrypted=_cipher().encrypt(secret), created_at=now_utc())
    db.session.add(endpoint)
    db.session.flush()
    return endpoint, secret


def for_organisation(admin: User) -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).where(
        WebhookEndpoint.organisation_id == admin.organisation_id).order_by(WebhookEndpoint.id)))


def get_for(admin: User, endpoint_id: int) -> WebhookEndpoint:
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.organisation_id != admin.organisation_id:
        raise NotFound("Webhooken finns inte.")
    return endpoint


def deliveries(endpoint: WebhookEndpoint, limit: int = 50) -> list[WebhookDelivery]:
    return list(db.session.scalars(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id)
                                   .order_by(WebhookDelivery.id.desc()).limit(limit)))


# -- events ------------------------------------------------------------------------------

def event_for(action: str, from_status: str | None, to_status: str) -> str | None:
    """Which webhook event a change of a case is, if any."""
    if action == "escalation_opened":
        return "case.escalated"
    if from_status == to_status:
        return None
    return {Status.RECEIVED: "case.received", Status.ANSWERED: "case.answered",
            Status.CLOSED: "case.closed"}.get(Status(to_status))


def case_changed(payload: dict, key: str) -> None:
    """The outbox handler: a change that is a webhook event becomes a delivery to each
    active endpoint of either party."""
    kind = event_for(payload["action"], payload["from_status"], payload["to_status"])
    case = by_reference(payload["reference"]) if kind else None
    if case is not None:
        enqueue(case, kind, changed_at(payload))


def enqueue(case: Case, kind: str, now: datetime) -> list[WebhookDelivery]:
    """A delivery per active endpoint of either party, and the outbox event for each.

    The delivery's id is derived from the endpoint, case, event and moment: a serious
    case escalated to both parties at once is one "escalated" to a listener, and the
    same change handled twice is one delivery."""
    orgs = {case.sender_organisation_id, case.receiver_organisation_id} - {None}
    endpoints = db.session.scalars(select(WebhookEndpoint).where(
        WebhookEndpoint.active.is_(True), WebhookEndpoint.organisation_id.in_(orgs))).all() if orgs else []
    made = []
    for endpoint in endpoints:
        event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{endpoint.id}/{case.reference}/{kind}/{now.isoformat()}"))
        if db.session.scalar(select(WebhookDelivery.id).where(WebhookDelivery.event_id == event_id)) is None:
            made.append(_delivery(endpoint, kind, _case_data(case), now, event_id))
    return made


def learning_changed(payload: dict, key: str) -> None:
    """The outbox handler for `investigation.*` and `measure.*`: a change that is a webhook
    event becomes a delivery to each active endpoint of the organisations concerned (an
    investigation's sides; a measure's owner and its case's two organisations), each told
    only the case references its organisation sends or receives."""
    from avvikelse.cases.models import Measure
    from avvikelse.learning.models import Investigation
    from avvikelse.learning.policy import side_organisations

    now = changed_at(payload)
    if "investigation_id" in payload:
        kind = f"investigation.{payload['action']}"
        inv = db.session.get(Investigation, payload["investigation_id"]) if kind in EVENTS else None
        if inv is None:
            return
        cases, orgs = inv.cases, side_organisations(inv)
        base = {"id": inv.id, "status": str(inv.status), "joint": inv.joint,
                "lead_organisation": inv.lead_organisation.code, "due_on": inv.due_on.isoformat()}
        subject = f"investigation/{inv.id}"
    else:
        kind = f"measure.{payload['action']}"
        measure = db.session.get(Measure, payload["measure_id"]) if kind in EVENTS else None
        if measure is None:
            return
        cases = [measure.case]
        orgs = {measure.owner_organisation_id}
        if measure.investigation_id is not None:
            orgs |= side_organisations(db.session.get(Investigation, measure.investigation_id))
        else:
            orgs |= {measure.case.sender_organisation_id, measure.case.receiver_organisation_id}
        base = {"id": measure.id, "status": str(measure.status), "due_on": measure.due_on.isoformat(),
                "owner_organisation": measure.owner_organisation.code,
                "investigation": measure.investigation_id}
        subject = f"measure/{measure.id}"
    endpoints = db.session.scalars(select(WebhookEndpoint).where(
        WebhookEndpoint.active.is_(True), WebhookEndpoint.organisation_id.in_(orgs))).all()
    for endpoint in endpoints:
        event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{endpoint.id}/{subject}/{kind}/{now.isoformat()}"))
        if db.session.scalar(select(WebhookDelivery.id).where(WebhookDelivery.event_id == event_id)) is not None:
            continue
        own = endpoint.organisation_id
        refs = [c.reference for c in cases if own in (c.sender_organisation_id, c.receiver_organisation_id)]
        _delivery(endpoint, kind, base | {"cases": refs}, now, event_id)


def send_test(endpoint: WebhookEndpoint, now: datetime) -> WebhookDelivery:
    return _delivery(endpoint, "ping", {"organisation": endpoint.organisation.code}, now)


def _case_data(case: Case) -> dict:
    # Ids and status only: nothing a person wrote, nothing about the patient.
    return {
        "reference": case.reference,
        "status": str(case.status),
        "sender_organisation": case.sender_organisation.code if case.sender_organisation else None,
        "receiver_organisation": case.receiver_organisation.code if case.receiver_organisation else None,
    }


def _delivery(endpoint: WebhookEndpoint, kind: str, data: dict, now: datetime,
              event_id: str | None = None) -> WebhookDelivery:
    event_id = event_id or str(uuid.uuid4())
    payload = {"id": event_id, "type": kind, "created_at": iso(now), "data": data}
    row = WebhookDelivery(endpoint=endpoint, event_id=event_id, event=kind, created_at=now,
                          payload=json.dumps(payload, separators=(",", ":"), ensure_ascii=False),
                          state="pending", attempts=0)
    db.session.add(row)
    outbox.emit("webhook.deliver", event_id=event_id)
    return row


# -- delivery ------------------------------------------------------------------------------

def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, now: datetime) -> bool:
    """What a receiver does: the HMAC matches and the timestamp is within 5 minutes."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now.timestamp() - timestamp) > TOLERANCE.total_seconds():
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), f"t={timestamp},v1={fields.get('v1', '')}")


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: base, 2×base, 4×base … at most 6 hours."""
    base = timedelta(seconds=current_app.config["WEBHOOK_RETRY_SECONDS"])
    return min(base * 2 ** max(attempts - 1, 0), MAX_DELAY)


def attempt(event_id: str, now: datetime) -> timedelta | None:
    """One delivery attempt; the delay before the next one, or None when there is none
    (delivered, given up, or nothing to do). The caller commits."""
    row = db.session.scalar(select(WebhookDelivery).where(WebhookDelivery.event_id == event_id))
    if row is None or row.state != "pending":
        return None
    if not row.endpoint.active:
        row.state, row.last_error = "failed", "Webhooken är avstängd."
        return None
    body = row.payload.encode()
    row.attempts += 1
    row.last_attempt_at = now
    status, error = _post(row.endpoint, row, body, now)
    row.last_status, row.last_error = status, error
    if status is not None and 200 <= status < 300:
        row.state, row.delivered_at, row.next_attempt_at = "delivered", now, None
        return None
    if row.attempts >= current_app.config["WEBHOOK_MAX_ATTEMPTS"]:
        row.state, row.next_attempt_at = "failed", None
        log.warning("webhook %s to endpoint %s failed for good after %d attempts",
                    row.event_id, row.endpoint_id, row.attempts)
        return None
    delay = retry_delay(row.attempts)
    row.next_attempt_at = now + delay
    return delay


def _post(endpoint: WebhookEndpoint, row: WebhookDelivery, body: bytes, now: datetime):
    # Again at sending: the scheme and the literal address as stored; the host's addresses
    # are checked on the connection itself (integrations/targets.py), after resolving.
    problems = targets.check_url(endpoint.url, resolve=False)
    if problems:
        return None, problems[0][:300]
    secret = _cipher().decrypt(endpoint.secret_encrypted)
    request = urllib.request.Request(endpoint.url, data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json",
        "User-Agent": "Avvikelse-Webhooks/1",
        "Avvikelse-Event": row.event,
        "Avvikelse-Delivery": row.event_id,
        SIGNATURE_HEADER: sign(secret, int(now.timestamp()), body),
    })
    try:
        timeout = current_app.config["WEBHOOK_TIMEOUT_SECONDS"]
        with _opener().open(request, timeout=timeout) as response:  # noqa: S310  (checked above)
            return response.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException) as exc:
        # Refused, unresolvable, closed, timed out, bad TLS: one answer for the page, so
        # deliveries cannot map a network; the kind only in the operators' log.
        log.info("webhook %s to endpoint %s unreachable (%s)", row.event_id, endpoint.id,
                 type(getattr(exc, "reason", exc)).__name__)
        return None, targets.UNREACHABLE


def _opener():
    return targets.opener()


def due(now: datetime, limit: int = 200) -> list[str]:
    """Pending deliveries whose retry time has passed (for the sweep, if a task was lost)."""
    return list(db.session.scalars(select(WebhookDelivery.event_id).where(
        # A fresh delivery (no retry time yet) is the outbox's; only lost retries here.
        WebhookDelivery.state == "pending", WebhookDelivery.next_attempt_at <= now,
    ).order_by(WebhookDelivery.id).limit(limit)))


def deliver(payload: dict, key: str) -> None:
    """The outbox's `webhook.deliver`: the first attempt right away; later ones through
    the retry task, with backoff."""
    delay = attempt(payload["event_id"], now_utc())
    if delay is not None:
        schedule_retry(payload["event_id"], delay)


def schedule_retry(event_id: str, delay: timedelta) -> None:
    """The next attempt, after `delay`; a broker that is down leaves it to the sweep (`due`)."""
    dispatch(DELIVER_WEBHOOK, event_id, countdown=delay.total_seconds())
