"""Every error under /api/v1 is JSON in the one shape, routing's and the limiter's too."""
import pytest

from tests.api.conftest import valid_case


def _is_error(response, status: int, code: str):
    assert response.status_code == status
    assert response.content_type == "application/json"
    assert response.json["error"] == code and response.json["message"]


def test_unknown_path_is_json_404(client):
    _is_error(client.get("/api/v1/finns-inte"), 404, "not_found")


def test_wrong_method_is_json_405_with_allow(client):
    response = client.put("/api/v1/cases")
    _is_error(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_too_large_is_json_413(app, api, people, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2000)
    response = api(people["reporter"]).post("/cases", valid_case(description="x" * 5000))
    _is_error(response, 413, "too_large")


def test_wrong_content_type_is_json_415(api, people):
    client = api(people["reporter"])
    response = client.client.post("/api/v1/cases", data="kind=deviation", headers=client.headers)
    _is_error(response, 415, "unsupported_media_type")


def test_rate_limit_is_json_429_per_token(app, api, people, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATE_LIMIT", "3 per minute")
    first, second = api(people["reporter"]), api(people["reporter"])
    assert [first.get("/directory").status_code for _ in range(3)] == [200, 200, 200]
    response = first.get("/directory")
    _is_error(response, 429, "too_many_requests")
    assert int(response.headers["Retry-After"]) > 0
    assert second.get("/directory").status_code == 200  # another token, its own allowance


def test_the_document_lists_every_error_status(client):
    doc = client.get("/api/v1/openapi.json").json
    post = doc["paths"]["/cases"]["post"]["responses"]
    assert {"201", "400", "401", "404", "409", "413", "415", "422", "429"} <= set(post)
    assert doc["components"]["responses"]["429"]["headers"]["Retry-After"]


@pytest.mark.parametrize("path", ["/api/v1/cases", "/api/v1/finns-inte"])
def test_errors_are_not_html(client, path):
    assert b"<html" not in client.get(path).data
