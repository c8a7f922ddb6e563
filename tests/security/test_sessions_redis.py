"""Server-side sessions in Redis (`SESSION_REDIS_URL`), against a real redis-server.

The same guarantees as the file store (test_sessions.py), checked where they live: the
key in Redis appears at login, changes with the id, and is gone after logout or when
the session is ended for deactivation or idleness. Redis expires idle sessions itself,
so the retention pass leaves session files alone.
"""
import uuid
from datetime import timedelta

import pytest
import redis
import time_machine

from avvikelse import create_app
from avvikelse.accounts.models import Role
from avvikelse.accounts.services import create_user, deactivate_user
from avvikelse.retention.services import run_retention
from avvikelse.core.clock import now_utc
from avvikelse.directory.seed import seed_jamtland
from avvikelse.directory.services import organisation_by_code, unit_by_code
from avvikelse.extensions import db
from tests.fixtures.factories import PASSWORD

pytestmark = pytest.mark.integration

COOKIE = "session"


class RedisApp:
    def __init__(self, app, store: redis.Redis, prefix: str):
        self.app, self.store, self.prefix = app, store, prefix
        self.client = app.test_client()

    def sid(self) -> str | None:
        cookie = self.client.get_cookie(COOKIE)
        return cookie.value if cookie else None

    def stored(self, sid: str | None) -> bool:
        return sid is not None and self.store.exists(self.prefix + sid) == 1

    def keys(self) -> set[str]:
        return {k.decode() for k in self.store.scan_iter(match=self.prefix + "*")}

    def login(self, username="rapportor.krokom", password=PASSWORD):
        return self.client.post("/logga-in", data={"username": username, "password": password})

    def signed_in(self, client=None) -> bool:
        return (client or self.client).get("/inkorg").status_code == 200


@pytest.fixture
def redis_app(tmp_path, redis_server):
    """An app of its own: SQLite file, sessions in the test Redis under a unique prefix."""
    prefix = f"test-session:{uuid.uuid4().hex}:"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'db.sqlite'}",
                     SESSION_REDIS_URL=redis_server.url, SESSION_KEY_PREFIX=prefix,
                     SESSION_FOLDER=str(tmp_path / "session-files"))
    store = redis.Redis.from_url(redis_server.url)
    with app.app_context():
        db.create_all()
        seed_jamtland()
        create_user("rapportor.krokom", organisation_by_code("2309"), {Role.REPORTER}, PASSWORD,
                    units=[unit_by_code("2309-HSJV")], email="rapportor@krokom.example")
        db.session.commit()
        yield RedisApp(app, store, prefix)
        db.session.remove()
    for key in store.scan_iter(match=prefix + "*"):
        store.delete(key)
    store.close()


def _user():
    from avvikelse.accounts.services import user_by_username

    return user_by_username("rapportor.krokom")


def test_the_app_really_uses_redis(redis_app):
    from flask_session.redis import RedisSessionInterface

    assert isinstance(redis_app.app.session_interface, RedisSessionInterface)


def test_login_stores_the_session_in_redis_under_a_new_id(redis_app):
    redis_app.login(password="fel-lösenord-123")  # an anonymous session before login
    before = redis_app.sid()
    assert redis_app.stored(before)

    assert redis_app.login().status_code == 302
    after = redis_app.sid()
    assert after and after != before
    assert redis_app.stored(after) and not redis_app.stored(before)
    assert redis_app.keys() == {redis_app.prefix + after}
    ttl = redis_app.store.ttl(redis_app.prefix + after)
    assert 0 < ttl <= redis_app.app.config["SESSION_IDLE_MINUTES"] * 60  # Redis expires idle ones
    assert PASSWORD.encode() not in redis_app.store.get(redis_app.prefix + after)
    assert redis_app.signed_in()


def test_logout_deletes_the_session_in_redis(redis_app):
    redis_app.login()
    stolen = redis_app.sid()
    assert redis_app.stored(stolen)

    assert redis_app.client.post("/logga-ut").status_code == 302
    assert not redis_app.stored(stolen)
    replay = redis_app.app.test_client()
    replay.set_cookie(COOKIE, stolen)
    response = replay.get("/inkorg")
    assert response.status_code == 302 and "/logga-in" in response.headers["Location"]


def test_deactivation_ends_the_session(redis_app):
    redis_app.login()
    sid = redis_app.sid()
    assert redis_app.signed_in()

    deactivate_user(_user(), now_utc())
    db.session.commit()
    assert redis_app.client.get("/inkorg").status_code == 302
    assert not redis_app.stored(sid)  # ended server-side, not just refused
    replay = redis_app.app.test_client()
    replay.set_cookie(COOKIE, sid)
    assert replay.get("/inkorg").status_code == 302


def test_idle_timeout_ends_the_session(redis_app):
    idle = timedelta(minutes=redis_app.app.config["SESSION_IDLE_MINUTES"])
    with time_machine.travel(now_utc(), tick=False) as clock:
        redis_app.login()
        sid = redis_app.sid()
        clock.shift(idle - timedelta(minutes=1))
        assert redis_app.signed_in()
        clock.shift(idle + timedelta(minutes=1))
        assert redis_app.client.get("/inkorg").status_code == 302
        assert not redis_app.stored(sid)


def test_the_retention_pass_leaves_session_files_alone(redis_app, tmp_path):
    import os
    import time

    folder = tmp_path / "session-files"
    folder.mkdir()
    stale = folder / "not-ours"
    stale.write_bytes(b"x")
    old = time.time() - 48 * 3600
    os.utime(stale, (old, old))
    redis_app.login()

    counts = run_retention(now_utc())
    assert "session_files_removed" not in counts
    assert stale.exists()
    assert redis_app.stored(redis_app.sid()) and redis_app.signed_in()
