"""/healthz and the operator's outbox commands."""
from sqlalchemy import select

from avvikelse.core import outbox
from avvikelse.core.outbox import OutboxEvent
from avvikelse.extensions import db


def test_healthz_reports_database_broker_and_backlog(client, new_case):
    new_case(route=False)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == "ok" and body["broker"] == "ok" and body["status"] == "ok"
    # filing leaves one event: routing
    assert body["backlog"]["waiting"] == 1 and body["backlog"]["failing"] == 0
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_when_the_database_does_not_answer(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", down)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"
    assert response.get_json()["status"] == "down"


def test_healthz_reports_a_broker_that_is_down_without_failing(app, client):
    celery = app.extensions["celery"]
    before = celery.conf.broker_url
    from tests.fixtures.servers import free_port

    celery.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
    try:
        response = client.get("/healthz")
    finally:
        celery.conf.broker_url = before
    assert response.status_code == 200
    assert response.get_json()["broker"] == "unavailable"
    assert response.get_json()["status"] == "degraded"


def test_a_database_error_in_a_page_is_a_clean_503(app, client, login, people, monkeypatch):
    from sqlalchemy.exc import OperationalError

    login(people["reporter"])

    def down(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "scalars", down)
    monkeypatch.setattr(db.session, "scalar", down)
    monkeypatch.setattr(db.session, "execute", down)
    response = client.get("/inkorg")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert "tillfälligt otillgänglig" in response.get_data(as_text=True)


def test_outbox_commands_show_and_retry_failures(app, new_case, people, monkeypatch):
    case = new_case(route=False)
    monkeypatch.setitem(app.extensions[outbox.EVENTS_KEY], "case.submitted",
                        (lambda payload, key: (_ for _ in ()).throw(RuntimeError("nope")),))
    outbox.drain()
    runner = app.test_cli_runner()
    status = runner.invoke(args=["outbox", "status"])
    assert "waiting: 1" in status.output and "failing: 1" in status.output
    failed = runner.invoke(args=["outbox", "failed"])
    assert "case.submitted" in failed.output and "RuntimeError: nope" in failed.output
    monkeypatch.undo()
    published = []
    monkeypatch.setattr(outbox, "publish", lambda ids: published.extend(ids) or True)
    retried = runner.invoke(args=["outbox", "retry"])
    assert retried.output.strip() == "retried: 1" and len(published) == 1
    run = runner.invoke(args=["outbox", "run"])
    assert run.exit_code == 0
    db.session.expire_all()
    assert case.status.value == "received"
    assert db.session.scalar(select(OutboxEvent).where(OutboxEvent.processed_at.is_(None))) is None
