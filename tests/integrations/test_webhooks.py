"""Webhooks against a real HTTP receiver on 127.0.0.1: signature, events, retries, log."""
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from sqlalchemy import select

from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.extensions import db
from avvikelse.integrations import webhooks
from avvikelse.integrations.models import WebhookDelivery
from tests.fixtures.factories import TEST_PNR


class Receiver:
    """Records what arrives; answers with the next status from `statuses` (default 200)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def events(self) -> list[str]:
        return [json.loads(r["body"])["type"] for r in self.requests]


@pytest.fixture
def receiver():
    r = Receiver()
    r.thread.start()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def endpoint(receiver, make_user):
    """The region's webhook (the region receives the Krokom reporter's cases)."""
    admin = make_user("23", ["admin"])
    ep, secret = webhooks.register(admin, receiver.url, "test")
    db.session.commit()
    return ep, secret


def test_case_events_arrive_signed_and_without_patient_data(receiver, endpoint, new_case, act, people):
    _ep, secret = endpoint
    case = new_case(patient_id=TEST_PNR, description="Namn Namnsson 19121212-1212")
    outbox.drain()
    assert receiver.events() == ["case.received"]
    first = receiver.requests[0]
    assert webhooks.verify(secret, first["headers"]["Avvikelse-Signature"], first["body"], now_utc())
    assert not webhooks.verify("whsec_wrong", first["headers"]["Avvikelse-Signature"], first["body"], now_utc())
    assert not webhooks.verify(secret, first["headers"]["Avvikelse-Signature"], first["body"] + b" ", now_utc())
    payload = json.loads(first["body"])
    assert payload["data"] == {"reference": case.reference, "status": "received",
                               "sender_organisation": "2309", "receiver_organisation": "23"}
    assert payload["id"] == first["headers"]["Avvikelse-Delivery"]
    text = first["body"].decode()
    assert "1212" not in text.replace(payload["id"], "") and "Namnsson" not in text


def test_answered_and_closed(receiver, endpoint, new_case, act, people):
    case = new_case()
    act(people["receiver_handler"], case, "acknowledge")
    act(people["receiver_handler"], case, "answer")
    act(people["reporter"], case, "accept")
    outbox.drain()
    assert receiver.events() == ["case.received", "case.answered", "case.closed"]


def test_a_serious_case_is_escalated_once_to_each_listener(receiver, endpoint, new_case):
    new_case(serious=True)
    outbox.drain()
    assert receiver.events() == ["case.received", "case.escalated"]


def test_a_stale_signature_is_refused_by_verify(receiver, endpoint, new_case):
    _ep, secret = endpoint
    new_case()
    outbox.drain()
    req = receiver.requests[0]
    later = now_utc() + timedelta(minutes=6)
    assert not webhooks.verify(secret, req["headers"]["Avvikelse-Signature"], req["body"], later)


def test_failures_are_retried_with_backoff_then_given_up(app, receiver, endpoint, new_case, monkeypatch):
    monkeypatch.setitem(app.config, "WEBHOOK_MAX_ATTEMPTS", 3)
    scheduled = []
    monkeypatch.setattr(webhooks, "schedule_retry", lambda event_id, delay: scheduled.append(delay))
    receiver.statuses = [500, 503, 500]
    new_case()
    outbox.drain()  # first attempt: 500
    row = db.session.scalar(select(WebhookDelivery))
    assert (row.state, row.attempts, row.last_status) == ("pending", 1, 500)
    base = timedelta(seconds=app.config["WEBHOOK_RETRY_SECONDS"])
    assert scheduled == [base]

    with time_machine.travel(now_utc() + base):
        delay = webhooks.attempt(row.event_id, now_utc())  # what the retry task does
    assert delay == 2 * base and row.attempts == 2 and row.state == "pending"
    assert webhooks.attempt(row.event_id, now_utc()) is None
    assert (row.state, row.attempts) == ("failed", 3)
    assert len(receiver.requests) == 3
    # The same event each time: receivers de-duplicate on its id.
    assert len({json.loads(r["body"])["id"] for r in receiver.requests}) == 1


def test_a_retry_that_succeeds_is_delivered(app, receiver, endpoint, new_case, monkeypatch):
    monkeypatch.setattr(webhooks, "schedule_retry", lambda event_id, delay: None)
    receiver.statuses = [502]
    new_case()
    outbox.drain()
    row = db.session.scalar(select(WebhookDelivery))
    assert webhooks.attempt(row.event_id, now_utc()) is None
    assert row.state == "delivered" and row.delivered_at is not None and row.last_status == 200


def test_an_unreachable_receiver_is_logged(app, endpoint, new_case, monkeypatch, receiver):
    monkeypatch.setattr(webhooks, "schedule_retry", lambda event_id, delay: None)
    receiver.server.shutdown()
    receiver.server.server_close()
    new_case()
    outbox.drain()
    row = db.session.scalar(select(WebhookDelivery))
    assert row.state == "pending" and row.last_status is None and row.last_error


def test_retry_task_attempts_and_reschedules(app, receiver, endpoint, new_case, monkeypatch):
    from workers.webhooks import deliver_webhook

    scheduled = []
    monkeypatch.setattr(webhooks, "schedule_retry", lambda event_id, delay: scheduled.append(event_id))
    receiver.statuses = [500, 500]
    new_case()
    outbox.drain()
    row = db.session.scalar(select(WebhookDelivery))
    deliver_webhook.run(row.event_id)
    assert len(scheduled) == 2 and db.session.get(WebhookDelivery, row.id).attempts == 2


def test_https_is_required_except_loopback_in_tests(app, make_user, monkeypatch, dns):
    dns.names.update({"example.org": ["93.184.215.14"], "system.example.org": ["93.184.215.14"]})
    admin = make_user("23", ["admin"])
    for url in ("http://example.org/hook", "ftp://127.0.0.1/x", "https://user:pw@example.org/", "hook"):
        with pytest.raises(ValidationFailed) as exc:
            webhooks.register(admin, url, "")
        assert "url" in exc.value.errors
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_NETWORKS", "")
    with pytest.raises(ValidationFailed):
        webhooks.register(admin, "http://127.0.0.1:9/hook", "")
    assert webhooks.register(admin, "https://system.example.org/hook", "")[1].startswith("whsec_")


def test_admin_pages_register_log_and_send_test_event(client, login, make_user, receiver):
    admin = make_user("23", ["admin"])
    login(admin)
    page = client.post("/admin/webhooks", data={"url": receiver.url, "description": "MedControl"})
    assert page.status_code == 201 and "whsec_" in page.get_data(as_text=True)
    endpoint_id = db.session.scalar(select(WebhookDelivery.endpoint_id)) or \
        webhooks.for_organisation(admin)[0].id
    sent = client.post(f"/admin/webhooks/{endpoint_id}/test", follow_redirects=True)
    assert "testhändelse" in sent.get_data(as_text=True)
    outbox.drain()
    assert receiver.events() == ["ping"]
    log = client.get(f"/admin/webhooks/{endpoint_id}").get_data(as_text=True)
    assert "Levererad" in log and "ping" in log


def test_another_organisation_cannot_see_the_webhook(client, login, make_user, endpoint):
    ep, _secret = endpoint
    login(make_user("2309", ["admin"]))
    assert client.get(f"/admin/webhooks/{ep.id}").status_code == 404
