"""The OpenAPI 3.1 document, built from what the app really does.

Request bodies are derived from the WTForms classes that validate them (adapter.py feeds
the JSON through those very forms), so a rule changed in a form changes the document.
Paths come from the API blueprint's URL rules: a route nobody declared still appears,
with a generic schema, so the document never silently misses an endpoint.
"""
from flask import Flask, current_app

from avvikelse.api import operations, schemas
from avvikelse.core.error_pages import MESSAGES

API_PREFIX = "/api/v1"
ERROR_REF = {"$ref": "#/components/schemas/Error"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


# -- the document ------------------------------------------------------------------------

def document(app: Flask | None = None) -> dict:
    app = app or current_app
    cached = app.extensions.get("avvikelse.openapi")
    if cached is None:
        cached = app.extensions["avvikelse.openapi"] = _build(app)
    return cached


def _build(app: Flask) -> dict:
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.endpoint.startswith("api.") or not rule.rule.startswith(API_PREFIX):
            continue
        path, parameters = _path(rule)
        for method in sorted((rule.methods or set()) - IGNORED_METHODS):
            op = operations.declared(rule.endpoint, method)
            paths.setdefault(path, {})[method.lower()] = _operation(rule.endpoint, method, op, parameters)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Avvikelse API",
            "version": "1",
            "description": operations.API_DESCRIPTION,
        },
        "servers": [{"url": API_PREFIX}],
        "security": [{"bearer": []}],
        "paths": paths,
        "webhooks": {"caseEvent": operations.WEBHOOK},
        "components": {
            "schemas": schemas.SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "responses": {str(code): _error_response(code) for code in operations.ERROR_STATUSES},
            "parameters": {"IdempotencyKey": operations.IDEMPOTENCY_PARAMETER},
        },
    }


def _path(rule) -> tuple[str, list[dict]]:
    """`/api/v1/cases/<reference>` → `/cases/{reference}` and its path parameters."""
    path, parameters = rule.rule[len(API_PREFIX):], []
    for name, converter in rule._converters.items():
        integer = type(converter).__name__ == "IntegerConverter"
        parameters.append({
            "name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 0} if integer else {"type": "string", "pattern": "^[^/]+$"},
        })
    for part in rule.arguments:
        path = path.replace(f"<int:{part}>", f"{{{part}}}").replace(f"<{part}>", f"{{{part}}}")
    return path or "/", parameters


def _operation(endpoint: str, method: str, op: "operations.Operation", path_params: list[dict]) -> dict:
    result: dict = {
        "operationId": f"{endpoint.removeprefix('api.')}_{method.lower()}",
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": [*path_params, *op.query],
        "responses": {},
    }
    if op.description:
        result["description"] = op.description
    if op.public:
        result["security"] = []
    if method == "POST":
        result["parameters"].append({"$ref": "#/components/parameters/IdempotencyKey"})
    if op.body is not None:
        result["requestBody"] = {
            "required": True,
            "content": {op.body_media: {"schema": op.request_schema(), **op.body_extra}},
        }
    for status, (description, schema) in op.responses.items():
        body = {"description": description}
        if schema is not None:
            medias = (op.media,) if isinstance(op.media, str) else op.media
            body["content"] = {media: {"schema": schema} for media in medias}
        if op.links and 200 <= status < 300:
            body["links"] = op.links
        result["responses"][str(status)] = body
    for status in op.error_statuses(method):
        result["responses"].setdefault(str(status), {"$ref": f"#/components/responses/{status}"})
    return result


def _error_response(status: int) -> dict:
    schema = {"$ref": "#/components/schemas/ValidationError"} if status == 422 else ERROR_REF
    body = {"description": MESSAGES.get(status, ""), "content": {"application/json": {"schema": schema}}}
    if status == 429:
        body["headers"] = {"Retry-After": {"schema": {"type": "string"},
                                           "description": "Sekunder tills nästa försök."}}
    return body
