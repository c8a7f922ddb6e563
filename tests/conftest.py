"""Schema once per session, clean tables per test, one app for the whole run.

Set TEST_DATABASE_URL to run the same suite on PostgreSQL.
"""
import socket

import pytest

from avvikelse import create_app
from avvikelse.extensions import db

pytest_plugins = [
    "tests.fixtures.servers",
    "tests.fixtures.factories",
    "tests.fixtures.worker",
]


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app("testing", MAIL_FOLDER=str(tmp_path_factory.mktemp("mail")))
    with app.app_context():
        db.create_all()
    yield app


@pytest.fixture(autouse=True)
def _context(app):
    """Every test runs in an app context over empty tables and a seeded directory."""
    from avvikelse.directory.cli import seed_jamtland

    with app.app_context():
        seed_jamtland()
        db.session.commit()
        yield
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.session.remove()


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
