"""End to end: a real Celery worker delivers a webhook, retries after a failure with
backoff, and the delivery log shows both attempts."""
import json

import pytest
from sqlalchemy import select

from avvikelse.accounts.models import Role
from avvikelse.accounts.services import create_user
from avvikelse.cases.services import file_case
from avvikelse.core.clock import now_utc
from avvikelse.directory.services import organisation_by_code, unit_by_code
from avvikelse.extensions import db
from avvikelse.integrations import webhooks
from avvikelse.integrations.models import WebhookDelivery
from tests.fixtures.factories import PASSWORD, case_input
from tests.integrations.test_webhooks import Receiver

pytestmark = pytest.mark.integration


def test_worker_retries_a_failed_delivery_until_it_arrives(live_stack, monkeypatch):
    receiver = Receiver()
    receiver.statuses = [503]  # the first attempt fails, the retry succeeds
    receiver.thread.start()
    live_stack.env.update(WEBHOOK_ALLOWED_NETWORKS="127.0.0.1/32", WEBHOOK_RETRY_SECONDS="1")
    monkeypatch.setitem(live_stack.app.config, "WEBHOOK_ALLOWED_NETWORKS", "127.0.0.1/32")
    live_stack.worker()
    try:
        with live_stack.context():
            admin = create_user("admin.e2e", organisation_by_code("23"), {Role.ADMIN}, PASSWORD)
            _endpoint, secret = webhooks.register(admin, receiver.url, "e2e")
            reporter = create_user("rapportor.e2e", organisation_by_code("2309"), set(), PASSWORD,
                                   units=[unit_by_code("2309-HSJV")])
            db.session.commit()
            reference = file_case(reporter, case_input(), now_utc()).reference
            db.session.commit()  # the outbox hands routing to the worker; routing makes the event

        def delivered():
            row = db.session.scalar(select(WebhookDelivery))
            return row is not None and row.state == "delivered"

        live_stack.wait_for(delivered, timeout=60, what="the webhook to be delivered on retry")
        with live_stack.context():
            row = db.session.scalar(select(WebhookDelivery))
            assert row.attempts == 2 and row.last_status == 200 and row.event == "case.received"
        assert len(receiver.requests) == 2
        last = receiver.requests[-1]
        assert json.loads(last["body"])["data"]["reference"] == reference
        with live_stack.context():
            assert webhooks.verify(secret, last["headers"]["Avvikelse-Signature"], last["body"], now_utc())
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
