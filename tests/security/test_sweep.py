"""Every route of the app, as anonymous and as every persona: nothing public that should
not be, and never a 500. A new route must either require login or be listed as public."""
import pytest

from avvikelse.accounts.tokens import issue_token
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from tests.fixtures.factories import PASSWORD

#: reachable without logging in, on purpose
PUBLIC = {
    "static", "health.healthz", "accounts.login", "core.accessibility", "oidc.start",
    "oidc.callback", "api.issue_api_token", "api.openapi_document", "api_docs.page",
    "api_docs.asset", "language.switch",
}


def _paths(app, reference):
    values = {"reference": reference, "action": "acknowledge", "fmt": "csv", "name": "x.js",
              "filename": "css/app.css"}
    for rule in app.url_map.iter_rules():
        args = {a: values.get(a, 1) for a in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            path = url_for(rule.endpoint, **args)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, path


def _request(client, method, path, headers=None):
    kwargs = {"headers": headers or {}}
    if method in ("POST", "PUT", "PATCH"):
        if path.startswith("/api/"):
            kwargs["json"] = {}
        else:
            kwargs["data"] = {}
    return client.open(path, method=method, **kwargs)


def test_anonymous_reaches_only_public_routes(app, client, new_case):
    case = new_case()
    leaks = []
    for endpoint, method, path in _paths(app, case.reference):
        status = _request(client, method, path).status_code
        if endpoint not in PUBLIC and status < 300:
            leaks.append((endpoint, method, status))
        assert status != 500, (endpoint, method)
    assert not leaks, f"reachable without login: {leaks}"


# One persona per kind of access (the exact-code matrix covers all ten on case routes).
SWEEP_PERSONAS = ["reporter", "sender_handler", "receiver_handler", "stranger", "admin"]


@pytest.mark.parametrize("who", SWEEP_PERSONAS)
def test_no_route_fails_with_500_for_any_persona(app, people, new_case, who):
    case = new_case()
    web = app.test_client()
    assert web.post("/logga-in", data={"username": people[who].username,
                                       "password": PASSWORD}).status_code == 302
    token = issue_token(people[who], now_utc(), 1)
    db.session.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    failures = []
    for endpoint, method, path in _paths(app, case.reference):
        if endpoint == "accounts.logout":
            continue  # would end this persona's session for the rest of the sweep
        client_headers = bearer if path.startswith("/api/") else None
        status = _request(web, method, path, client_headers).status_code
        if status >= 500:
            failures.append((endpoint, method, status))
    assert not failures
