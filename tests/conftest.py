"""Schema once per session, clean tables per test, one app for the whole run.

`TEST_DB=postgresql` runs the same suite on a PostgreSQL server the fixtures start
(`make test` does both); `TEST_DATABASE_URL` points it at a database of your own.
"""
import os
import socket

import pytest
from sqlalchemy import text

from avvikelse import create_app
from avvikelse.extensions import db

pytest_plugins = [
    "tests.fixtures.servers",
    "tests.fixtures.factories",
    "tests.fixtures.worker",
]


@pytest.fixture(scope="session")
def database_url(request) -> str | None:
    if os.environ.get("TEST_DB") == "postgresql":
        return request.getfixturevalue("postgres_server").url
    return None  # TestingConfig's own: TEST_DATABASE_URL or in-memory SQLite


@pytest.fixture(scope="session")
def app(tmp_path_factory, database_url):
    overrides = {"SQLALCHEMY_DATABASE_URI": database_url} if database_url else {}
    overrides.setdefault("SESSION_FOLDER", str(tmp_path_factory.mktemp("sessions")))
    app = create_app("testing", MAIL_FOLDER=str(tmp_path_factory.mktemp("mail")), **overrides)
    with app.app_context():
        db.create_all()
    yield app


@pytest.fixture(autouse=True)
def _context(app):
    """Every test runs in an app context over empty tables, a seeded directory and
    Jämtland's agreement."""
    from avvikelse.agreements.seed import seed_agreements
    from avvikelse.cases.legal_bases import ensure_defaults
    from avvikelse.directory.seed import seed_jamtland

    # Celery's shared tasks run in the app that was created last; tests that build apps
    # of their own (migrations, races) must not leave theirs as the one a task uses.
    app.extensions["celery"].set_default()
    app.extensions["celery"].set_current()
    with app.app_context():
        seed_jamtland()
        seed_agreements()
        ensure_defaults()
        db.session.commit()
        yield
        db.session.rollback()
        _empty_tables()
        db.session.commit()
        db.session.remove()


def _empty_tables() -> None:
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":  # one statement instead of one per table
        names = ", ".join(t.name for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        return
    for table in reversed(tables):
        db.session.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


_real_create_connection = socket.create_connection


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch):
    """Fail any test that tries to reach a host other than this machine."""

    def guarded(address, *args, **kwargs):
        host = address[0]
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise AssertionError(f"test tried to connect to {host}: only 127.0.0.1 is allowed")
        return _real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", guarded)


@pytest.fixture(autouse=True)
def _fresh_login_counters(app):
    """Failed-login counters are per address, and every test client is 127.0.0.1."""
    app.extensions["avvikelse.limiter"].reset()
    yield
