"""Token lifecycle through the API: create a named token, see its last use, revoke it."""
from datetime import timedelta

import time_machine
from sqlalchemy import select

from avvikelse.accounts.models import ApiToken
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from tests.api.conftest import ApiClient


def test_create_use_list_and_revoke(api, client, people):
    me = api(people["reporter"])
    created = me.post("/tokens", {"name": "Synergi Life", "expires_in_days": 30})
    assert created.status_code == 201
    secret = created.json["token"]
    system = ApiClient(client, secret)
    assert system.get("/directory").status_code == 200

    listed = {t["name"]: t for t in me.get("/tokens").json["items"]}
    assert listed["Synergi Life"]["last_used_at"] is not None
    assert listed["Synergi Life"]["current"] is False
    assert "token" not in listed["Synergi Life"] and secret not in str(listed)

    gone = me.client.delete(f"/api/v1/tokens/{listed['Synergi Life']['id']}", headers=me.headers)
    assert gone.status_code == 204
    refused = system.get("/directory")
    assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["WWW-Authenticate"]


def test_only_a_digest_is_stored(api, people):
    secret = api(people["reporter"]).post("/tokens", {"name": "x"}).json["token"]
    stored = db.session.scalars(select(ApiToken.token_hash)).all()
    assert secret not in stored and all(len(h) == 64 for h in stored)


def test_a_token_expires(api, client, people):
    secret = api(people["reporter"]).post("/tokens", {"name": "kort", "expires_in_days": 1}).json["token"]
    with time_machine.travel(now_utc() + timedelta(days=1, minutes=1)):
        assert ApiClient(client, secret).get("/directory").status_code == 401


def test_another_users_token_cannot_be_revoked(api, people):
    mine = api(people["reporter"]).post("/tokens", {"name": "min"})
    token_id = db.session.scalar(select(ApiToken.id).where(ApiToken.name == "min"))
    other = api(people["other_reporter"])
    response = other.client.delete(f"/api/v1/tokens/{token_id}", headers=other.headers)
    assert mine.status_code == 201 and response.status_code == 404
    assert db.session.get(ApiToken, token_id).revoked_at is None


def test_a_token_needs_a_name_and_a_sane_lifetime(api, people):
    me = api(people["reporter"])
    for body, field in (({"name": " "}, "name"), ({"name": 5}, "name"),
                        ({"name": "x", "expires_in_days": 0}, "expires_in_days"),
                        ({"name": "x", "expires_in_days": "30"}, "expires_in_days"),
                        ({"name": "x" * 101}, "name")):
        response = me.post("/tokens", body)
        assert response.status_code == 422 and field in response.json["errors"], body


def test_an_integration_account_cannot_mint_its_own_tokens(client, make_user):
    from avvikelse.core.clock import now_utc
    from avvikelse.accounts import tokens

    system = make_user("2309", ["reporter"])
    system.is_integration = True
    _, secret = tokens.create(system, "given by admin", now_utc(), None)
    db.session.commit()
    response = ApiClient(client, secret).post("/tokens", {"name": "more"})
    assert response.status_code == 403 and response.json["error"] == "forbidden"


def test_control_characters_in_a_name_are_refused(api, people):
    response = api(people["reporter"]).post("/tokens", {"name": "sys\x00tem"})
    assert response.status_code == 422 and "name" in response.json["errors"]
