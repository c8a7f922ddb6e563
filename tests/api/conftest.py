"""An API client per user: a real token from POST /auth/token, JSON in and out."""
from datetime import timedelta

import pytest

from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from tests.fixtures.factories import PASSWORD


class ApiClient:
    def __init__(self, client, token: str):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **params):
        return self.client.get(f"/api/v1{path}", query_string=params, headers=self.headers)

    def post(self, path: str, body=None, **kwargs):
        headers = self.headers | kwargs.pop("headers", {})
        return self.client.post(f"/api/v1{path}", json=body, headers=headers, **kwargs)

    def act(self, reference: str, action: str, **payload):
        response = self.post(f"/cases/{reference}/actions", {"action": action, **payload})
        outbox.drain()  # what the action set off (routing after a redirect, mail)
        return response


@pytest.fixture
def api(client):
    def for_user(user) -> ApiClient:
        response = client.post("/api/v1/auth/token", json={"username": user.username, "password": PASSWORD})
        assert response.status_code == 200, response.json
        return ApiClient(client, response.json["token"])

    return for_user


def valid_case(**overrides) -> dict:
    body = {
        "kind": "deviation",
        "receiver_organisation": "23",
        "occurred_at": (now_utc() - timedelta(days=1)).isoformat(),
        "category": "discharge",
        "description": "Utskrivningsmeddelandet kom inte fram.",
        "immediate_action": "Ringde avdelningen.",
        "consequence": 2,
        "probability": 2,
        "serious": False,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def valid_answer(**overrides) -> dict:
    due = (now_utc().date() + timedelta(days=30)).isoformat()
    body = {
        "confirmed": "yes",
        "analysis": "Rutinen för utskrivningsmeddelanden följdes inte.",
        "patient_informed": True,
        "measures": [{"text": "Ny rutin", "owner": "Enhetschef", "due_on": due}],
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


@pytest.fixture
def file_via_api(api, people):
    """File a case as the Krokom reporter through the API and let routing run."""

    def file(user=None, route=True, **overrides):
        response = api(user or people["reporter"]).post("/cases", valid_case(**overrides))
        assert response.status_code == 201, response.json
        if route:
            outbox.drain()
        return response.json["reference"]

    return file
