"""Tokens: every one expires (a maximum per kind), "log out everywhere" ends sessions and
tokens, and a token is minted from a web session only soon after signing in."""
import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from avvikelse.accounts.models import ApiToken, User
from avvikelse.accounts.tokens import digest
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from tests.api.conftest import ApiClient, api  # noqa: F401  (the fixture)
from tests.fixtures.factories import PASSWORD


def _secret(html: str) -> str:
    return re.search(r'<code class="secret">([^<]+)</code>', html).group(1)


def _bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def _lifetime(token: ApiToken) -> timedelta:
    return token.expires_at - token.created_at


# -- every token expires --------------------------------------------------------------------

def test_a_personal_token_without_an_end_date_gets_the_maximum(app, api, people):
    created = api(people["reporter"]).post("/tokens", {"name": "utan slutdatum"})
    assert created.status_code == 201 and created.json["expires_at"] is not None
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "utan slutdatum"))
    assert _lifetime(token) == timedelta(days=app.config["API_TOKEN_MAX_DAYS"]) == timedelta(days=90)


def test_a_longer_personal_token_is_refused_naming_the_field(api, people):
    me = api(people["reporter"])
    refused = me.post("/tokens", {"name": "för lång", "expires_in_days": 91})
    assert refused.status_code == 422
    assert refused.json["errors"] == {"expires_in_days": ["Ange 1–90 dagar."]}
    assert me.post("/tokens", {"name": "lagom", "expires_in_days": 90}).status_code == 201


def test_the_pages_apply_the_same_limits(client, login, people):
    login(people["reporter"])
    page = client.post("/profil/token", data={"name": "för lång", "expires_in_days": "91"})
    assert page.status_code == 422 and "Ange 1–90 dagar." in page.get_data(as_text=True)
    assert client.post("/profil/token", data={"name": "standard"}).status_code == 201
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "standard"))
    assert _lifetime(token) == timedelta(days=90)
    assert "Tills vidare" not in client.get("/profil/token").get_data(as_text=True)


def test_an_integration_token_lives_at_most_a_year(app, client, login, make_user):
    admin = make_user("2309", ["admin"], units=[])
    db.session.commit()
    login(admin)
    client.post("/admin/integrationer", data={"username": "system-krokom", "roles": ["reporter"]})
    account = db.session.scalar(select(User).where(User.username == "system-krokom"))
    path = f"/admin/integrationer/{account.id}"
    refused = client.post(path, data={"name": "för lång", "expires_in_days": "366"})
    assert refused.status_code == 422 and "Ange 1–365 dagar." in refused.get_data(as_text=True)
    assert client.post(path, data={"name": "produktion"}).status_code == 201
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "produktion"))
    assert _lifetime(token) == timedelta(days=app.config["INTEGRATION_TOKEN_MAX_DAYS"]) == timedelta(days=365)


def test_a_token_stored_without_an_end_date_ends_at_the_maximum(client, people):
    """Tokens made before every token had an end date (or before the maximum was lowered)."""
    secret = "legacy-token-secret-not-real-0123456789abcdef"
    created = now_utc()
    db.session.add(ApiToken(user=people["reporter"], token_hash=digest(secret), name="gammal",
                            created_at=created, expires_at=None))
    db.session.commit()
    system = ApiClient(client, secret)
    with time_machine.travel(created + timedelta(days=89)):
        assert system.get("/directory").status_code == 200
    with time_machine.travel(created + timedelta(days=90, minutes=1)):
        assert system.get("/directory").status_code == 401


def test_lowering_the_maximum_shortens_live_tokens(app, api, client, people, monkeypatch):
    secret = api(people["reporter"]).post("/tokens", {"name": "x", "expires_in_days": 90}).json["token"]
    monkeypatch.setitem(app.config, "API_TOKEN_MAX_DAYS", 30)
    with time_machine.travel(now_utc() + timedelta(days=31)):
        assert ApiClient(client, secret).get("/directory").status_code == 401


# -- log out everywhere ---------------------------------------------------------------------------

def test_log_out_everywhere_ends_every_session_and_token(app, client, login, people):
    reporter = people["reporter"]
    other_browser = app.test_client()
    other_browser.post("/logga-in", data={"username": reporter.username, "password": PASSWORD})
    colleague = app.test_client()
    colleague.post("/logga-in", data={"username": "kollega.krokom", "password": PASSWORD})
    login(reporter)
    created = client.post("/profil/token", data={"name": "min"})
    secret = _secret(created.get_data(as_text=True))
    assert client.get("/api/v1/directory", headers=_bearer(secret)).status_code == 200
    assert "Logga ut överallt" in client.get("/profil").get_data(as_text=True)

    done = client.post("/profil/logga-ut-overallt")
    assert done.status_code == 302 and done.headers["Location"].endswith("/logga-in")
    assert client.get("/inkorg").status_code == 302
    assert other_browser.get("/inkorg").status_code == 302
    assert client.get("/api/v1/directory", headers=_bearer(secret)).status_code == 401
    assert colleague.get("/inkorg").status_code == 200  # nobody else's
    login(reporter)  # and the person can sign in again
    assert client.get("/inkorg").status_code == 200


# -- a token only soon after signing in --------------------------------------------------------------

def test_a_token_needs_a_recent_sign_in_then_returns_to_the_form(app, client, login, people):
    minutes = app.config["TOKEN_MINT_RECENT_MINUTES"]
    with time_machine.travel(now_utc(), tick=False) as clock:
        login(people["reporter"])
        clock.shift(timedelta(minutes=minutes + 1))
        page = client.get("/profil/token").get_data(as_text=True)
        assert "Logga in igen" in page and 'name="name"' not in page
        refused = client.post("/profil/token", data={"name": "sent"})
        assert refused.status_code == 303
        assert refused.headers["Location"] == "/logga-in/igen?next=/profil/token"
        assert db.session.scalar(select(ApiToken.id)) is None

        wrong = client.post("/logga-in/igen?next=/profil/token", data={"password": "fel-lösenord"})
        assert wrong.status_code == 401
        assert client.post("/profil/token", data={"name": "sent"}).status_code == 303

        again = client.post("/logga-in/igen?next=/profil/token", data={"password": PASSWORD})
        assert again.status_code == 302 and again.headers["Location"] == "/profil/token"
        assert client.post("/profil/token", data={"name": "nu"}).status_code == 201


def test_an_integration_token_needs_a_recent_sign_in_too(app, client, login, make_user):
    admin = make_user("2309", ["admin"], units=[])
    db.session.commit()
    with time_machine.travel(now_utc(), tick=False) as clock:
        login(admin)
        client.post("/admin/integrationer", data={"username": "system-krokom", "roles": ["reporter"]})
        account = db.session.scalar(select(User).where(User.username == "system-krokom"))
        clock.shift(timedelta(minutes=app.config["TOKEN_MINT_RECENT_MINUTES"] + 1))
        path = f"/admin/integrationer/{account.id}"
        refused = client.post(path, data={"name": "produktion"})
        assert refused.status_code == 303 and refused.headers["Location"].startswith("/logga-in/igen")
        assert db.session.scalar(select(ApiToken.id)) is None
        client.post(f"/logga-in/igen?next={path}", data={"password": PASSWORD})
        assert client.post(path, data={"name": "produktion"}).status_code == 201


def test_signing_in_again_is_throttled(client, login, people):
    login(people["reporter"])
    for _ in range(10):
        assert client.post("/logga-in/igen", data={"password": "fel-lösenord"}).status_code == 401
    assert client.post("/logga-in/igen", data={"password": PASSWORD}).status_code == 429


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_signing_in_again_returns_only_to_this_site(client, login, people, target):
    login(people["reporter"])
    response = client.post(f"/logga-in/igen?next={target}", data={"password": PASSWORD})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]
