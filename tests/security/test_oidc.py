"""Single sign-on against a local test IdP: the happy path and every forged token."""
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc.jwk import RSAKey

from avvikelse.extensions import db
from tests.security.idp import CLIENT_ID, CLIENT_SECRET, Grant, LocalIdP, running

HSA = "SE2321000065-7001"


@pytest.fixture
def idp(app):
    with running(LocalIdP()) as provider:
        saved = {k: app.config.get(k) for k in ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")}
        app.config.update(OIDC_ISSUER=provider.url, OIDC_CLIENT_ID=CLIENT_ID,
                          OIDC_CLIENT_SECRET=CLIENT_SECRET)
        yield provider
        app.config.update(saved)


@pytest.fixture
def sso_user(people):
    user = people["unit_handler"]
    user.hsa_id = HSA
    db.session.commit()
    return user


def _begin(client):
    response = client.get("/logga-in/sso")
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["client_id"] == [CLIENT_ID]
    return query["state"][0], query["nonce"][0]


def _finish(client, idp, grant, state, code="code-1"):
    idp.grants[code] = grant
    return client.get(f"/logga-in/sso/klar?code={code}&state={state}")


def _signed_in(client):
    return client.get("/inkorg").status_code == 200


def test_login_by_hsa_id_with_unit_from_claim(client, idp, sso_user):
    state, nonce = _begin(client)
    response = _finish(client, idp, Grant({"hsa_id": HSA, "unit_code": "23-OSD-MED"}, nonce), state)
    assert response.status_code == 302
    assert _signed_in(client)
    db.session.refresh(sso_user)
    assert [u.code for u in sso_user.units] == ["23-OSD-MED"]
    assert idp.token_requests[0]["code"] == "code-1"


def test_a_rotated_signing_key_still_logs_in(client, idp, sso_user):
    """The provider's key set is kept after the first login; a token under a key id it
    does not hold (the provider rotated its keys) makes the client fetch it again."""
    state, nonce = _begin(client)
    assert _finish(client, idp, Grant({"hsa_id": HSA}, nonce), state).status_code == 302
    client.post("/logga-ut")
    idp.key = RSAKey.generate_key(2048, parameters={"kid": "rotated"})
    state, nonce = _begin(client)
    assert _finish(client, idp, Grant({"hsa_id": HSA}, nonce), state, "code-2").status_code == 302
    assert _signed_in(client)


def test_a_replayed_callback_is_refused(client, idp, sso_user):
    state, nonce = _begin(client)
    assert _finish(client, idp, Grant({"hsa_id": HSA}, nonce), state).status_code == 302
    client.post("/logga-ut")
    assert _finish(client, idp, Grant({"hsa_id": HSA}, nonce), state, "code-2").status_code == 403
    assert not _signed_in(client)


def test_a_replayed_nonce_is_refused(client, idp, sso_user):
    """A token minted for an earlier login attempt cannot complete a new one."""
    _, old_nonce = _begin(client)
    state, _ = _begin(client)
    assert _finish(client, idp, Grant({"hsa_id": HSA}, old_nonce), state).status_code == 403
    assert not _signed_in(client)


@pytest.mark.parametrize("grant_changes", [
    {"key": "other"},              # bad signature: not the IdP's published key
    {"audience": "someone-else"},  # wrong audience
    {"audience": "someone-else", "azp": CLIENT_ID},  # wrong audience, our azp
    {"iss": "http://127.0.0.1:1/other-idp"},  # another issuer
    {"expires_in": -3600},         # expired
    {"nonce": None},               # no nonce at all
])
def test_forged_or_stale_tokens_are_refused(client, idp, sso_user, grant_changes, caplog):
    state, nonce = _begin(client)
    changes = dict(grant_changes)
    if changes.get("key") == "other":
        changes["key"] = RSAKey.generate_key(2048)  # signed under the published key's id
    extra = {k: changes.pop(k) for k in ("azp", "iss") if k in changes}
    grant = Grant({"hsa_id": HSA, **extra}, changes.pop("nonce", nonce), **changes)
    response = _finish(client, idp, grant, state)
    assert response.status_code == 403
    assert "Inloggningen kunde inte genomföras" in response.get_data(as_text=True)
    assert not _signed_in(client)
    assert "sso login refused: token rejected" in caplog.text


def test_unknown_hsa_id_and_foreign_unit_are_refused(client, idp, sso_user):
    state, nonce = _begin(client)
    assert _finish(client, idp, Grant({"hsa_id": "SE000-okand"}, nonce), state).status_code == 403
    state, nonce = _begin(client)
    grant = Grant({"hsa_id": HSA, "unit_code": "2309-HSJV"}, nonce)  # Krokom's unit
    assert _finish(client, idp, grant, state).status_code == 403
    assert not _signed_in(client)


def test_password_login_can_be_switched_off(app, client, idp, people, login):
    app.config["PASSWORD_LOGIN_ENABLED"] = False
    try:
        page = client.get("/logga-in").get_data(as_text=True)
        assert "e-tjänstekort" in page and 'type="password"' not in page
        assert login(people["reporter"]).status_code == 404
        assert client.post("/api/v1/auth/token", json={"username": "x", "password": "y"}).status_code == 404
        assert not _signed_in(client)
    finally:
        app.config["PASSWORD_LOGIN_ENABLED"] = True


def test_sso_is_404_when_not_configured(client):
    assert client.get("/logga-in/sso").status_code == 404


def test_a_new_hsa_id_gets_an_account_that_waits_for_an_administrator(client, idp, people):
    from sqlalchemy import select

    from avvikelse.accounts.models import AdminEvent, User

    new = "SE2321000065-8123"
    for code in ("code-1", "code-2"):
        state, nonce = _begin(client)
        grant = Grant({"hsa_id": new, "unit_code": "23-OSD-MED", "name": "Nina Ny",
                       "email": "nina@example.org"}, nonce)
        response = _finish(client, idp, grant, state, code)
        assert response.status_code == 403
        assert "väntar på att en administratör ger dig enhet och roll" in response.get_data(as_text=True)
        assert not _signed_in(client)
    (user,) = db.session.scalars(select(User).where(User.hsa_id == new)).all()  # made once
    assert (user.username, user.full_name, user.email) == ("se2321000065-8123", "Nina Ny", "nina@example.org")
    assert (user.active, user.awaiting_setup, user.organisation.code, user.units) == (False, True, "23", [])
    assert db.session.scalar(select(AdminEvent.action).where(AdminEvent.user_id == user.id)) == "sso_created"

    user.active, user.awaiting_setup = True, False  # what the admin page does (tests/web)
    db.session.commit()
    state, nonce = _begin(client)
    assert _finish(client, idp, Grant({"hsa_id": new, "unit_code": "23-OSD-MED"}, nonce), state,
                   "code-3").status_code == 302
    assert _signed_in(client)


def test_a_new_hsa_id_without_a_known_unit_gets_nothing(client, idp, people):
    from sqlalchemy import func, select

    from avvikelse.accounts.models import User

    before = db.session.scalar(select(func.count()).select_from(User))
    state, nonce = _begin(client)
    grant = Grant({"hsa_id": "SE2321000065-8124", "unit_code": "OKAND<script>"}, nonce)
    response = _finish(client, idp, grant, state)
    assert response.status_code == 403
    assert "Ditt HSA-id har inget aktivt konto här" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == before
