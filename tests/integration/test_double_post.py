"""The same filing form posted twice at once (a double click) files one case, on a file
SQLite database and on PostgreSQL, with two real concurrent requests."""
import re
import threading

import pytest
from sqlalchemy import func, select

from avvikelse.cases.models import Case
from avvikelse.extensions import db
from tests.fixtures.factories import PASSWORD
from tests.fixtures.worker import seeded_app

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_db_app(request, tmp_path, app):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'double.db'}"
    else:
        url = request.getfixturevalue("postgres_server").fresh_database("double_post")
    with seeded_app(url, app) as other:
        yield other


def _form(key: str) -> dict:
    return {
        "kind": "deviation", "receiver_organisation": "23", "occurred_at": "2026-01-10T10:00",
        "category": "discharge", "description": "Dubbelklick", "immediate_action": "Inget",
        "consequence": "1", "probability": "1", "submission_key": key,
    }


def test_a_form_posted_twice_at_once_files_one_case(shared_db_app):
    clients = [shared_db_app.test_client() for _ in range(2)]
    for c in clients:
        assert c.post("/logga-in", data={"username": "rapportor.e2e", "password": PASSWORD}).status_code == 302
    for attempt in range(5):
        key = f"dubbel-{attempt}"
        barrier = threading.Barrier(2)
        responses = [None, None]

        def post(i):
            barrier.wait()
            responses[i] = clients[i].post("/arenden/ny", data=_form(key))

        threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert [r.status_code for r in responses] == [302, 302]
        assert responses[0].location == responses[1].location  # both land on the one case
        with shared_db_app.app_context():
            assert db.session.scalar(
                select(func.count()).select_from(Case).where(Case.submission_key == key)) == 1
            db.session.remove()
    with shared_db_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Case)) == 5


def test_a_resubmitted_form_returns_the_case_already_filed(client, login, people):
    login(people["reporter"])
    first = client.post("/arenden/ny", data=_form("samma"))
    again = client.post("/arenden/ny", data=_form("samma"))
    assert first.status_code == again.status_code == 302
    assert first.location == again.location
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1


def test_another_reporters_submission_key_is_refused_not_a_500(client, login, people):
    login(people["reporter"])
    assert client.post("/arenden/ny", data=_form("en-nyckel")).status_code == 302
    client.post("/logga-ut")
    login(people["other_reporter"])
    response = client.post("/arenden/ny", data=_form("en-nyckel"))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Formuläret kunde inte skickas. Skicka det igen." in body and "Dubbelklick" in body
    assert db.session.scalar(select(func.count()).select_from(Case)) == 1
    # The page carries a fresh key: sending it again files the case.
    fresh = re.search(r'name="submission_key" type="hidden" value="([0-9a-f]{32})"', body).group(1)
    assert client.post("/arenden/ny", data=_form(fresh)).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Case)) == 2
