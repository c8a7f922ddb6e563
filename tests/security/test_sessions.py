"""Server-side sessions: rotated at login, ended by logout and deactivation, limited."""
from datetime import timedelta

import time_machine

from avvikelse.accounts.services import deactivate_user
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from tests.fixtures.factories import PASSWORD

COOKIE = "session"


def _sid(client):
    cookie = client.get_cookie(COOKIE)
    return cookie.value if cookie else None


def _signed_in(client) -> bool:
    return client.get("/inkorg").status_code == 200


def test_login_rotates_the_session_id(client, people, login):
    client.get("/logga-in")
    client.post("/logga-in", data={"username": "rapportor.krokom", "password": "fel-lösenord"})
    before = _sid(client)
    assert before is not None
    login(people["reporter"])
    after = _sid(client)
    assert after and after != before
    assert _signed_in(client)


def test_a_planted_session_id_is_not_kept(app, people):
    """Session fixation: an id set by an attacker before login is worthless after it."""
    victim = app.test_client()
    victim.set_cookie(COOKIE, "planted-by-attacker")
    victim.post("/logga-in", data={"username": "rapportor.krokom", "password": PASSWORD})
    assert _sid(victim) != "planted-by-attacker"
    attacker = app.test_client()
    attacker.set_cookie(COOKIE, "planted-by-attacker")
    assert attacker.get("/inkorg").status_code == 302


def test_logout_ends_the_stored_session(app, client, people, login):
    login(people["reporter"])
    stolen = _sid(client)
    assert client.post("/logga-ut").status_code == 302
    replay = app.test_client()
    replay.set_cookie(COOKIE, stolen)
    assert replay.get("/inkorg").status_code == 302  # to the login page


def test_deactivation_ends_sessions_at_the_next_request(client, people, login):
    login(people["reporter"])
    assert _signed_in(client)
    deactivate_user(people["reporter"], now_utc())
    db.session.commit()
    assert client.get("/inkorg").status_code == 302
    people["reporter"].active = True  # reactivated: the old session stays dead
    db.session.commit()
    assert client.get("/inkorg").status_code == 302
    login(people["reporter"])
    assert _signed_in(client)


def test_idle_timeout(app, client, people, login):
    start = now_utc()
    with time_machine.travel(start, tick=False) as clock:
        login(people["reporter"])
        clock.shift(timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] - 1))
        assert _signed_in(client)
        clock.shift(timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1))
        assert client.get("/inkorg").status_code == 302


def test_absolute_timeout_even_when_active(app, client, people, login):
    start = now_utc()
    with time_machine.travel(start, tick=False) as clock:
        login(people["reporter"])
        for _ in range(app.config["SESSION_ABSOLUTE_HOURS"] * 3 - 1):
            clock.shift(timedelta(minutes=20))  # always active, never idle
            assert _signed_in(client)
        clock.shift(timedelta(minutes=21))
        assert client.get("/inkorg").status_code == 302


def test_cookie_flags(app, client, people, login):
    response = login(people["reporter"])
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header
    assert "Secure" not in header  # testing runs on http
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        header = client.post("/logga-ut").headers["Set-Cookie"]
        response = login(people["reporter"])
        assert "Secure" in response.headers["Set-Cookie"]
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False


def test_session_store_holds_no_password(app, client, people, login):
    login(people["reporter"])
    folder = app.config["SESSION_FOLDER"]
    import os

    blobs = b"".join(open(os.path.join(folder, name), "rb").read() for name in os.listdir(folder))
    assert PASSWORD.encode() not in blobs


def test_cli_deactivate_ends_sessions_and_tokens(app, client, people, login):
    from avvikelse.accounts.tokens import issue_token

    login(people["reporter"])
    token = issue_token(people["reporter"], now_utc(), 1)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["users", "deactivate", "rapportor.krokom"])
    assert result.exit_code == 0, result.output
    assert client.get("/inkorg").status_code == 302
    api = client.get("/api/v1/directory", headers={"Authorization": f"Bearer {token}"})
    assert api.status_code == 401


def test_cli_add_with_hsa_id(app):
    from avvikelse.accounts.services import user_by_username

    result = app.test_cli_runner().invoke(args=[
        "users", "add", "sso.anna", "--org", "2309", "--hsa-id", "SE2321000065-9"])
    assert result.exit_code == 0, result.output
    assert user_by_username("sso.anna").hsa_id == "SE2321000065-9"
