"""The OpenAPI document is generated from the forms that validate requests."""
import pytest
from wtforms import Form, IntegerField, StringField
from wtforms.validators import Length

from avvikelse.api.form_schema import form_schema
from avvikelse.cases.forms import AnswerForm, CaseForm, MessageForm
from avvikelse.core.fields import Choice


def test_case_form_becomes_the_request_schema(client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    schema = doc["paths"]["/cases"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema == form_schema(CaseForm)
    props = schema["properties"]
    assert {"kind", "occurred_at", "category", "description", "consequence"} <= set(schema["required"])
    assert props["kind"]["enum"] == ["deviation", "complaint"]
    assert props["consequence"] == {"type": "integer", "enum": [1, 2, 3, 4],
                                    "description": "Konsekvens för patienten"}
    assert props["description"]["maxLength"] == 10_000
    assert props["occurred_at"]["format"] == "date-time"
    assert props["serious"]["anyOf"][0] == {"type": "boolean"}  # optional: null allowed


def test_a_rule_changed_in_a_form_changes_the_schema():
    class Probe(Form):
        name = StringField("Namn", [Length(max=7)])
        size = IntegerField("Storlek")
        pick = Choice("Val", choices=[("", "Välj"), ("a", "A"), ("b", "B")])

    props = form_schema(Probe)["properties"]
    assert props["name"]["anyOf"][0]["maxLength"] == 7
    assert props["pick"]["anyOf"][0]["enum"] == ["a", "b"]


def test_nested_lists_become_arrays_of_objects():
    measures = form_schema(AnswerForm)["properties"]["measures"]["anyOf"][0]
    assert measures["type"] == "array" and measures["maxItems"] == 20
    assert set(measures["items"]["properties"]) == {"text", "owner", "due_on"}
    assert measures["items"]["properties"]["due_on"]["anyOf"][0]["format"] == "date"


def test_every_api_route_is_documented(app, client):
    doc = client.get("/api/v1/openapi.json").json
    documented = {(f"/api/v1{path}", method.upper()) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule
            for arg in rule.arguments:
                path = path.replace(f"<int:{arg}>", f"{{{arg}}}").replace(f"<{arg}>", f"{{{arg}}}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method) in documented


def test_message_form_schema_requires_a_body():
    schema = form_schema(MessageForm)
    assert schema["required"] == ["body"] and schema["properties"]["body"]["pattern"] == r"\S"


def test_docs_page_is_served_from_the_app(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/docs/assets/swagger-ui-bundle.js" in html and "/api/v1/openapi.json" in html
    assert "http://" not in html.replace("http://avvikelse.test", "") and "https://" not in html
    assert "<script>" not in html  # no inline script: the CSP forbids it
    asset = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and b"SwaggerUIBundle" in asset.data
    assert client.get("/api/docs/assets/index.html").status_code == 404


def test_the_document_is_valid_openapi_3_1(client):
    import schemathesis

    doc = client.get("/api/v1/openapi.json").json
    schemathesis.openapi.from_dict(doc).validate()  # the OpenAPI 3.1 meta-schema; raises if not
    broken = {**doc, "paths": {"/x": {"get": {"responses": "nonsense"}}}}
    with pytest.raises(Exception):  # noqa: B017  (jsonschema_rs' error type, not public)
        schemathesis.openapi.from_dict(broken).validate()


def test_everyday_work_is_described(client):
    """Issue 15's contract: owner on cases and in the list filter, assign, absences, bulk."""
    doc = client.get("/api/v1/openapi.json").json
    summary = doc["components"]["schemas"]["CaseSummary"]
    assert summary["properties"]["owner"]["type"] == ["string", "null"] and "owner" in summary["required"]
    query = {p["name"] for p in doc["paths"]["/cases"]["get"]["parameters"] if p.get("in") == "query"}
    assert "owner" in query
    actions = doc["paths"]["/cases/{reference}/actions"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]["oneOf"]
    assign = next(a for a in actions if "assign" in a["properties"]["action"]["enum"])
    assert "owner" in assign["required"]
    absence = doc["paths"]["/me/absence"]["put"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"from", "to"} <= set(absence["required"]) and "deputy" in absence["properties"]
    assert doc["paths"]["/me/absence"]["put"]["responses"]["200"]["content"]["application/json"][
        "schema"] == {"$ref": "#/components/schemas/Absence"}
    assert "get" in doc["paths"]["/me/absence"] and "put" in doc["paths"]["/me/deputy"]
    bulk = doc["paths"]["/cases/bulk-actions"]["post"]
    assert bulk["requestBody"]["content"]["application/json"]["schema"]["properties"]["action"][
        "enum"] == ["acknowledge", "assign", "forward"]
