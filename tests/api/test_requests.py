"""Bodies the API cannot read: JSON errors with Swedish messages, never HTML or a 500."""
import pytest


@pytest.fixture
def client_api(api, people):
    return api(people["reporter"])


def test_post_without_json_content_type_is_415(client_api):
    for kwargs in ({"data": "kind=deviation"}, {"data": '{"kind": "deviation"}', "content_type": "text/plain"}):
        response = client_api.client.post("/api/v1/cases", headers=client_api.headers, **kwargs)
        assert response.status_code == 415
        assert response.json["error"] == "unsupported_media_type"
        assert "application/json" in response.json["message"]


@pytest.mark.parametrize("raw, message", [
    ('{"kind": ', "Begäran innehåller inte giltig JSON."),
    ("\xff\xfe", "Begäran innehåller inte giltig JSON."),
    ("[1, 2]", "Begäran måste vara ett JSON-objekt."),
    ('"text"', "Begäran måste vara ett JSON-objekt."),
    ("null", "Begäran måste vara ett JSON-objekt."),
    ("[" * 100_000 + "]" * 100_000, "Begäran innehåller inte giltig JSON."),
])
def test_malformed_or_non_object_body_is_400(client_api, raw, message):
    response = client_api.client.post("/api/v1/cases", data=raw.encode("latin-1"),
                                      content_type="application/json", headers=client_api.headers)
    assert response.status_code == 400
    assert response.json == {"error": "bad_request", "message": message}


def test_every_post_endpoint_checks_its_body(client_api, file_via_api):
    reference = file_via_api()
    for path in ("/cases", f"/cases/{reference}/actions", f"/cases/{reference}/messages", "/auth/token"):
        assert client_api.post(path, data="x", content_type="text/plain").status_code == 415, path
        assert client_api.post(path, [1]).status_code == 400, path


def test_unknown_case_is_404_json(client_api):
    response = client_api.get("/cases/AV-2026-999999")
    assert response.status_code == 404
    assert response.json["error"] == "not_found"


def test_unknown_path_and_wrong_method_are_json(client_api):
    assert client_api.get("/nothing-here").json["error"] == "not_found"
    response = client_api.client.delete("/api/v1/cases", headers=client_api.headers)
    assert response.status_code == 405 and response.json["error"] == "method_not_allowed"


def test_api_responses_are_not_cached(client_api):
    assert client_api.get("/directory").headers["Cache-Control"] == "no-store"
