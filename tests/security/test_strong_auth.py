"""Strong authentication for roles that see identities (STRONG_AUTH_ACR): handlers, MAS
and chefsläkare sign in through OIDC with an accepted `acr`, never with a password, and
a token that opens case content is minted only from such a session."""
import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from avvikelse.accounts.models import ApiToken, Role, User, UserRole
from avvikelse.extensions import db
from tests.fixtures.factories import PASSWORD
from tests.security.idp import Grant
from tests.security.test_oidc import _begin, _finish, idp  # noqa: F401  (the fixture)

LOA3 = "http://id.elegnamnden.se/loa/1.0/loa3"
HANDLER_HSA = "SE2321000065-7101"
ADMIN_HSA = "SE2321000065-7102"


@pytest.fixture
def strong(app, monkeypatch):
    monkeypatch.setitem(app.config, "STRONG_AUTH_ACR", f"{LOA3}, urn:example:loa4")


@pytest.fixture
def handler(people):
    user = people["receiver_handler"]
    user.hsa_id = HANDLER_HSA
    db.session.commit()
    return user


@pytest.fixture
def hash_checks(monkeypatch):
    """How many times a password is checked against a hash."""
    calls = []
    real = PasswordHasher.verify
    monkeypatch.setattr(PasswordHasher, "verify", lambda self, h, p: calls.append(1) or real(self, h, p))
    return calls


def _login(client, username, password):
    return client.post("/logga-in", data={"username": username, "password": password})


def _signed_in(client) -> bool:
    return client.get("/inkorg").status_code == 200


def _sso(client, idp, hsa, acr=None, next_path=None, code="code-1"):
    state, nonce = _begin(client) if next_path is None else _begin_next(client, next_path)
    claims = {"hsa_id": hsa, **({"acr": acr} if acr else {})}
    return _finish(client, idp, Grant(claims, nonce), state, code)


def _begin_next(client, next_path):
    from urllib.parse import parse_qs, urlsplit

    response = client.get(f"/logga-in/sso?next={next_path}")
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    return query["state"][0], query["nonce"][0]


def test_password_login_is_refused_and_says_nothing_about_the_password(client, strong, handler, hash_checks):
    right = _login(client, handler.username, PASSWORD)
    wrong = _login(client, handler.username, "fel-lösenord")
    assert right.status_code == wrong.status_code == 401
    assert right.get_data() == wrong.get_data()
    assert "e-tjänstekort" in right.get_data(as_text=True)
    assert len(hash_checks) == 2  # one each: the same work whether the password was right
    assert not _signed_in(client)


def test_people_without_such_a_role_still_use_their_password(client, strong, people):
    assert _login(client, people["reporter"].username, PASSWORD).status_code == 302


@pytest.mark.parametrize("who", ["receiver_handler", "mas", "chefslakare"])
def test_password_api_tokens_are_refused_alike(client, strong, people, who):
    body = {"username": people[who].username}
    right = client.post("/api/v1/auth/token", json={**body, "password": PASSWORD})
    wrong = client.post("/api/v1/auth/token", json={**body, "password": "fel-lösenord"})
    assert right.status_code == wrong.status_code == 401
    assert right.get_json() == wrong.get_json()
    assert "e-tjänstekort" in right.get_json()["message"]
    assert db.session.scalar(select(ApiToken.id)) is None
    ok = client.post("/api/v1/auth/token", json={"username": "rapportor.krokom", "password": PASSWORD})
    assert ok.status_code == 200


def test_sso_with_an_accepted_acr_signs_in(client, idp, strong, handler):
    assert _sso(client, idp, HANDLER_HSA, acr=LOA3).status_code == 302
    assert _signed_in(client)


@pytest.mark.parametrize("acr", [None, "http://id.elegnamnden.se/loa/1.0/loa2", ""])
def test_sso_without_an_accepted_acr_is_refused(client, idp, strong, handler, acr):
    response = _sso(client, idp, HANDLER_HSA, acr=acr)
    assert response.status_code == 403
    assert "högre tillitsnivå" in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_sso_asks_the_idp_for_the_accepted_levels(client, idp, strong):
    location = client.get("/logga-in/sso").headers["Location"]
    assert "acr_values=" in location and "loa3" in location


def test_without_the_setting_nothing_changes(client, idp, handler):
    assert _login(client, handler.username, PASSWORD).status_code == 302
    client.post("/logga-ut")
    assert _sso(client, idp, HANDLER_HSA).status_code == 302


def test_a_password_session_ends_once_strong_auth_is_required(app, client, handler, monkeypatch):
    """Begun before the setting (or before the role): it ends at the next request."""
    assert _login(client, handler.username, PASSWORD).status_code == 302
    assert _signed_in(client)
    monkeypatch.setitem(app.config, "STRONG_AUTH_ACR", LOA3)
    assert not _signed_in(client)


def test_a_token_is_minted_from_a_strongly_authenticated_session(client, idp, strong, handler):
    _sso(client, idp, HANDLER_HSA, acr=LOA3)
    created = client.post("/profil/token", data={"name": "journal"})
    assert created.status_code == 201
    secret = re.search(r'<code class="secret">([^<]+)</code>', created.get_data(as_text=True)).group(1)
    assert client.get("/api/v1/directory", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_a_token_that_opens_cases_needs_an_sso_session_to_mint(client, idp, strong, make_user, people):
    """An administrator signed in by password may not mint a token for an integration account
    that handles cases: the page sends them to sign in with e-tjänstekort, then back."""
    admin = make_user("23", ["admin"], units=[], username="admin.region")
    admin.hsa_id = ADMIN_HSA
    system = make_user("23", [], units=[], username="journal-region")
    system.is_integration, system.password_hash = True, None
    system.role_rows.append(UserRole(role=Role.HANDLER))  # as if approved
    db.session.commit()
    assert _login(client, admin.username, PASSWORD).status_code == 302
    path = f"/admin/integrationer/{system.id}"
    refused = client.post(path, data={"name": "produktion"})
    assert refused.status_code == 303
    assert refused.headers["Location"] == f"/logga-in/igen?next={path}&sso=1"
    again = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert 'type="password"' not in again and "e-tjänstekort" in again
    assert db.session.scalar(select(ApiToken.id)) is None

    assert _sso(client, idp, ADMIN_HSA, acr=LOA3, next_path=path).headers["Location"] == path
    assert client.post(path, data={"name": "produktion"}).status_code == 201


def test_a_reporter_integrations_token_needs_only_a_recent_sign_in(client, strong, make_user):
    admin = make_user("2309", ["admin"], units=[])
    db.session.commit()
    assert _login(client, admin.username, PASSWORD).status_code == 302
    client.post("/admin/integrationer", data={"username": "system-krokom", "roles": ["reporter"]})
    system = db.session.scalar(select(User).where(User.username == "system-krokom"))
    assert client.post(f"/admin/integrationer/{system.id}", data={"name": "p"}).status_code == 201
