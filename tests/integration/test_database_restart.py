"""PostgreSQL restarted under load: every request either filed its case (302) or failed
cleanly (503, nothing written); no accepted case is lost."""
import threading
import time

import pytest
from sqlalchemy import select

from avvikelse.cases.models import Case
from avvikelse.extensions import db
from tests.fixtures.factories import PASSWORD
from tests.integration.test_double_post import _form
from tests.fixtures.worker import seeded_app

pytestmark = pytest.mark.integration


@pytest.fixture
def pg_app(postgres_server, app):
    with seeded_app(postgres_server.fresh_database("restart_test"), app) as pg:
        yield pg


def test_requests_during_a_restart_fail_cleanly_and_nothing_accepted_is_lost(pg_app, postgres_server):
    results: list[tuple[str, int]] = []
    stop = threading.Event()

    def load(n: int):
        client = pg_app.test_client()
        assert client.post("/logga-in", data={"username": "rapportor.e2e", "password": PASSWORD}).status_code == 302
        i = 0
        while not stop.is_set():
            marker = f"last-{n}-{i}"
            form = {**_form(f"{marker}-key"), "description": marker}
            status = client.post("/arenden/ny", data=form).status_code
            results.append((marker, status))
            i += 1
            time.sleep(0.01)

    threads = [threading.Thread(target=load, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    time.sleep(1.0)
    postgres_server.stop()
    time.sleep(1.5)
    postgres_server.start()
    time.sleep(1.5)
    stop.set()
    for t in threads:
        t.join(30)

    statuses = {s for _, s in results}
    assert statuses <= {302, 503}, f"unexpected statuses: {statuses}"
    assert 503 in statuses, "no request met the restart"
    after = [s for _, s in results[-10:]]
    assert 302 in after, "filing did not recover after the restart"
    with pg_app.app_context():
        stored = set(db.session.scalars(select(Case.description)))
        db.session.remove()
    accepted = {m for m, s in results if s == 302}
    refused = {m for m, s in results if s == 503}
    assert accepted <= stored, f"accepted but lost: {accepted - stored}"
    assert not (refused & stored), f"refused but half-written: {refused & stored}"
