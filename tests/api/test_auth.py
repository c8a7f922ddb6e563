from datetime import timedelta

import pytest

from avvikelse.accounts.models import ApiToken
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from tests.fixtures.factories import PASSWORD


def token_for(client, username, password=PASSWORD):
    return client.post("/api/v1/auth/token", json={"username": username, "password": password})


def test_token_for_correct_password(client, people):
    response = token_for(client, "rapportor.krokom")
    assert response.status_code == 200
    assert response.json["token"] and response.json["token_type"] == "Bearer"
    assert response.json["expires_at"].endswith("Z")
    # Only the digest is stored, never the secret.
    stored = db.session.scalars(db.select(ApiToken)).one()
    assert stored.token_hash != response.json["token"]


@pytest.mark.parametrize("username, password", [
    ("rapportor.krokom", "fel-losenord-helt"), ("finns.inte", PASSWORD),
])
def test_wrong_credentials_are_401(client, people, username, password):
    response = token_for(client, username, password)
    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"
    assert response.json["message"] == "Fel användarnamn eller lösenord."
    assert "token" not in response.json


def test_inactive_user_gets_no_token(client, people):
    people["reporter"].active = False
    db.session.commit()
    assert token_for(client, "rapportor.krokom").status_code == 401


def test_token_body_of_wrong_type_is_422(client, people):
    response = client.post("/api/v1/auth/token", json={"username": ["x"], "password": 5})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"username", "password"}


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer inte-en-token", "Bearer " + "x" * 5000,
])
def test_missing_or_bad_bearer_is_401(client, people, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/directory", headers=headers)
    assert response.status_code == 401
    assert response.json["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_valid_token_opens_the_api(client, people):
    token = token_for(client, "rapportor.krokom").json["token"]
    response = client.get("/api/v1/directory", headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200


def test_expired_token_is_401(client, people):
    token = token_for(client, "rapportor.krokom").json["token"]
    db.session.scalars(db.select(ApiToken)).one().expires_at = now_utc() - timedelta(seconds=1)
    db.session.commit()
    response = client.get("/api/v1/directory", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_token_of_deactivated_user_is_401(client, people):
    token = token_for(client, "rapportor.krokom").json["token"]
    people["reporter"].active = False
    db.session.commit()
    response = client.get("/api/v1/directory", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_every_case_endpoint_needs_a_token(client, people):
    for method, path in [("get", "/api/v1/cases?box=incoming"), ("post", "/api/v1/cases"),
                         ("get", "/api/v1/cases/AV-2026-000001"),
                         ("post", "/api/v1/cases/AV-2026-000001/actions"),
                         ("post", "/api/v1/cases/AV-2026-000001/messages")]:
        response = getattr(client, method)(path, json={})
        assert response.status_code == 401, path
