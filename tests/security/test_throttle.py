"""Failed logins are throttled per account and per address; successes never count."""
import logging

from tests.fixtures.factories import PASSWORD, TEST_PNR

LIMIT = 10


def _fail(client, username="rapportor.krokom", addr="10.0.0.1"):
    return client.post("/logga-in", data={"username": username, "password": "fel-lösenord"},
                       environ_base={"REMOTE_ADDR": addr})


def _ok(client, username="rapportor.krokom", addr="10.0.0.1"):
    response = client.post("/logga-in", data={"username": username, "password": PASSWORD},
                           environ_base={"REMOTE_ADDR": addr})
    client.post("/logga-ut", environ_base={"REMOTE_ADDR": addr})
    return response


def test_ten_failures_from_one_address_then_429_even_with_the_right_password(client, people):
    for _ in range(LIMIT):
        assert _fail(client).status_code == 401
    blocked = _ok(client)
    assert blocked.status_code == 429
    assert "För många försök" in blocked.get_data(as_text=True)


def test_failures_per_account_from_many_addresses_slow_it_down_never_lock_it(client, people,
                                                                             login_delays):
    """(Until this change the account itself answered 429: anyone could lock anyone out.)"""
    for attempt in range(3 * LIMIT):
        assert _fail(client, addr=f"10.0.1.{attempt}").status_code == 401
    assert _ok(client, addr="10.0.2.1").status_code == 302
    assert 0 < login_delays[-1] <= 2.0
    # Another account from the same addresses is not affected.
    login_delays.clear()
    assert _ok(client, username="kollega.krokom", addr="10.0.2.2").status_code == 302
    assert login_delays == []


def test_ten_failures_per_address_then_429(client, people):
    for attempt in range(LIMIT):
        assert _fail(client, username=f"gissning{attempt}").status_code == 401
    assert _ok(client, username="kollega.krokom").status_code == 429
    assert _ok(client, username="kollega.krokom", addr="10.0.0.2").status_code == 302


def test_successful_logins_never_count(client, people):
    for _ in range(LIMIT + 5):
        assert _ok(client).status_code == 302
    for _ in range(LIMIT - 1):
        assert _fail(client).status_code == 401
    assert _ok(client).status_code == 302


def test_api_token_endpoint_is_throttled_with_json_429(client, people):
    body = {"username": "rapportor.krokom", "password": "fel-lösenord"}
    for _ in range(LIMIT):
        assert client.post("/api/v1/auth/token", json=body).status_code == 401
    response = client.post("/api/v1/auth/token", json={**body, "password": PASSWORD})
    assert response.status_code == 429
    assert response.get_json()["error"] == "too_many_requests"


def test_failed_logins_are_logged_without_secrets(client, people, caplog):
    caplog.set_level(logging.INFO)
    client.post("/logga-in", data={"username": TEST_PNR, "password": "hemligt-lösen-123"})
    lines = [r.getMessage() for r in caplog.records if "login failed" in r.getMessage()]
    assert len(lines) == 1
    text = caplog.text
    assert TEST_PNR not in text and "191212121212" not in text and "hemligt-lösen-123" not in text


def test_counts_in_memory_when_redis_is_down(tmp_path):
    """A configured Redis that does not answer must not switch throttling off."""
    from avvikelse import create_app
    from avvikelse.extensions import db
    from tests.fixtures.servers import free_port

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'db.sqlite'}",
                     RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0")
    client = app.test_client()
    with app.app_context():
        db.create_all()
        for _ in range(LIMIT):
            assert _fail(client).status_code == 401
        assert _ok(client).status_code == 429
