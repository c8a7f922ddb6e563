"""Logging in leaks nothing and locks nobody out: the same hash work for every kind of
account, the client address only from trusted proxies, and an account guessed at from
one address slowed for everyone else, never locked."""
import logging

import pytest
from argon2 import PasswordHasher

from avvikelse.accounts import throttle
from avvikelse.accounts.passwords import dummy_verify
from avvikelse.accounts.services import authenticate
from avvikelse.extensions import db
from tests.fixtures.factories import PASSWORD

LIMIT = 10


@pytest.fixture
def hasher_calls(monkeypatch):
    """Every hash made and every hash checked, as the password hasher sees them."""
    dummy_verify("warm-up")  # the stand-in hash is made once per process, before counting
    calls = []
    real_verify, real_hash = PasswordHasher.verify, PasswordHasher.hash
    monkeypatch.setattr(PasswordHasher, "verify",
                        lambda self, h, p: calls.append("verify") or real_verify(self, h, p))
    monkeypatch.setattr(PasswordHasher, "hash", lambda self, p, **kw: calls.append("hash") or real_hash(self, p, **kw))
    return calls


@pytest.fixture
def accounts(people, make_user):
    inactive = make_user("2309", username="slutat.krokom")
    inactive.active = False
    system = make_user("2309", username="system.krokom")
    system.password_hash, system.is_integration = None, True
    db.session.commit()
    return {"real": people["reporter"].username, "inactive": inactive.username,
            "passwordless": system.username, "unknown": "finns.inte", "impossible": "x\x00y"}


@pytest.mark.parametrize("kind", ["real", "inactive", "passwordless", "unknown", "impossible"])
def test_every_login_checks_exactly_one_hash(accounts, hasher_calls, kind):
    assert authenticate(accounts[kind], "fel-lösenord") is None
    assert hasher_calls == ["verify"]


def test_a_right_password_checks_one_hash_too(accounts, hasher_calls):
    assert authenticate(accounts["real"], PASSWORD) is not None
    assert hasher_calls == ["verify"]


def test_an_inactive_account_with_the_right_password_is_refused_after_the_check(accounts, hasher_calls):
    assert authenticate(accounts["inactive"], PASSWORD) is None
    assert hasher_calls == ["verify"]


@pytest.mark.parametrize("kind", ["real", "inactive", "passwordless", "unknown"])
def test_the_pages_answer_alike(client, accounts, hasher_calls, kind):
    response = client.post("/logga-in", data={"username": accounts[kind], "password": "fel-lösenord"})
    assert response.status_code == 401 and hasher_calls == ["verify"]


# -- the client address ------------------------------------------------------------------------

def _address_logged(client, caplog, **headers) -> str:
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="avvikelse.security"):
        client.post("/logga-in", data={"username": "vem", "password": "fel-lösenord"},
                    headers=headers, environ_base={"REMOTE_ADDR": "10.1.1.1"})
    line = next(r.getMessage() for r in caplog.records if "login failed" in r.getMessage())
    return line.split("address=")[1].split()[0]


def test_x_forwarded_for_is_ignored_without_trusted_proxies(client, caplog):
    assert _address_logged(client, caplog, **{"X-Forwarded-For": "203.0.113.9"}) == "10.1.1.1"


def test_x_forwarded_for_is_used_with_one_trusted_proxy(tmp_path, caplog):
    from avvikelse import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'db.sqlite'}",
                     SESSION_FOLDER=str(tmp_path / "sessions"), TRUSTED_PROXIES=1)
    with app.app_context():
        db.create_all()
        client = app.test_client()
        # The load balancer appends what it saw; only that last entry is believed.
        forwarded = {"X-Forwarded-For": "198.51.100.7, 203.0.113.9"}
        assert _address_logged(client, caplog, **forwarded) == "203.0.113.9"
        assert _address_logged(client, caplog) == "10.1.1.1"  # no header: the peer
        for _ in range(LIMIT):  # and the throttle counts per forwarded address
            client.post("/logga-in", data={"username": "vem", "password": "fel"},
                        headers={"X-Forwarded-For": "203.0.113.9"})
        blocked = client.post("/logga-in", data={"username": "vem", "password": "fel"},
                              headers={"X-Forwarded-For": "203.0.113.9"})
        other = client.post("/logga-in", data={"username": "vem", "password": "fel"},
                            headers={"X-Forwarded-For": "203.0.113.10"})
        assert (blocked.status_code, other.status_code) == (429, 401)
        db.engine.dispose()


# -- slowed, never locked ----------------------------------------------------------------------------

def _try(client, password, addr):
    return client.post("/logga-in", data={"username": "rapportor.krokom", "password": password},
                       environ_base={"REMOTE_ADDR": addr})


def test_guessing_from_one_address_cannot_lock_the_owner_out(client, people, login_delays):
    attempts = [_try(client, "fel-lösenord", "10.0.0.66").status_code for _ in range(LIMIT + 1)]
    assert attempts == [401] * LIMIT + [429]  # the guesser's address is stopped
    assert _try(client, PASSWORD, "10.0.0.66").status_code == 429

    login_delays.clear()
    assert _try(client, PASSWORD, "10.0.0.77").status_code == 302  # the owner gets in
    assert login_delays == [throttle.MAX_DELAY]  # slowed


def test_the_delay_is_bounded_and_grows():
    delays = [throttle.delay_for(n) for n in range(200)]
    assert delays[: throttle.FREE_FAILURES] == [0.0] * throttle.FREE_FAILURES
    assert delays == sorted(delays)
    assert max(delays) == throttle.MAX_DELAY <= 2.0


def test_the_wait_is_the_same_whether_the_password_is_right(client, people, login_delays):
    for n in range(5):
        _try(client, "fel-lösenord", f"10.0.3.{n}")
    login_delays.clear()
    _try(client, PASSWORD, "10.0.4.2")  # (a success is not counted: same count for both)
    client.post("/logga-ut")
    _try(client, "fel-lösenord", "10.0.4.1")
    assert len(login_delays) == 2 and login_delays[0] == login_delays[1] > 0


def test_the_api_token_endpoint_is_slowed_not_locked(client, people, login_delays):
    body = {"username": "rapportor.krokom", "password": "fel-lösenord"}
    for n in range(2 * LIMIT):
        assert client.post("/api/v1/auth/token", json=body,
                           environ_base={"REMOTE_ADDR": f"10.0.5.{n}"}).status_code == 401
    ok = client.post("/api/v1/auth/token", json={**body, "password": PASSWORD},
                     environ_base={"REMOTE_ADDR": "10.0.6.1"})
    assert ok.status_code == 200 and login_delays[-1] == throttle.MAX_DELAY
