"""The OpenAPI 3.1 document, built from what the app really does.

Request bodies are derived from the WTForms classes that validate them (adapter.py feeds
the JSON through those very forms), so a rule changed in a form changes the document.
Paths come from the API blueprint's URL rules: a route nobody declared still appears,
with a generic schema, so the document never silently misses an endpoint.
"""
from flask import Flask, current_app
from wtforms import BooleanField, Field, FieldList, FormField, RadioField, SelectField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from avvikelse.api import operations, schemas
from avvikelse.core.error_pages import MESSAGES
from avvikelse.core.fields import Day, LocalDateTime, YesNo

API_PREFIX = "/api/v1"
ERROR_REF = {"$ref": "#/components/schemas/Error"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}


# -- forms → JSON Schema ---------------------------------------------------------------

def form_schema(form_class) -> dict:
    """The JSON object a form accepts through the adapter, as JSON Schema."""
    return _fields_schema(form_class(formdata=None, meta={"csrf": False}))


def _fields_schema(form) -> dict:
    properties, required = {}, []
    for name, field in form._fields.items():
        schema = field_schema(field)
        if _required(field):
            required.append(name)
        else:  # the adapter reads null as absent
            schema = {"anyOf": [schema, {"type": "null"}]}
        if field.label and field.label.text:
            schema["description"] = str(field.label.text)
        properties[name] = schema
    result = {"type": "object", "properties": properties}
    if required:
        result["required"] = required
    return result


def field_schema(field: Field) -> dict:
    if isinstance(field, FieldList):
        template = field.entries[0] if field.entries else field._add_entry()
        schema = {"type": "array", "items": field_schema(template)}
        if field.max_entries:
            schema["maxItems"] = field.max_entries
        return schema
    if isinstance(field, FormField):
        return _fields_schema(field.form)
    if isinstance(field, YesNo):  # true/false, or the words the web form posts
        return {"anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["yes", "no"]}]}
    if isinstance(field, BooleanField):
        return {"type": "boolean"}
    if isinstance(field, LocalDateTime):
        return {"type": "string", "format": "date-time",
                "description": "ISO 8601; utan tidszon tolkas tiden som svensk tid."}
    if isinstance(field, Day):
        return {"type": "string", "format": "date"}
    integer = getattr(field, "coerce", str) is int
    schema: dict = {"type": "integer" if integer else "string"}
    if isinstance(field, SelectField | RadioField) and getattr(field, "validate_choice", True):
        values = [value for value, *_ in field.choices or [] if value != ""]
        schema["enum"] = [int(v) for v in values] if integer else [str(v) for v in values]
    for validator in field.validators:
        if isinstance(validator, Length):
            if validator.max is not None and validator.max >= 0:
                schema["maxLength"] = validator.max
            if validator.min and validator.min > 0:
                schema["minLength"] = validator.min
        elif isinstance(validator, NumberRange):
            if validator.min is not None:
                schema["minimum"] = validator.min
            if validator.max is not None:
                schema["maximum"] = validator.max
    if not integer and _required(field) and "enum" not in schema:
        # Filled refuses text that is only whitespace; at least one other character.
        schema["pattern"] = r"\S"
    return schema


def _required(field: Field) -> bool:
    return any(isinstance(v, InputRequired | DataRequired) for v in field.validators)


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
            "content": {"application/json": {"schema": op.request_schema()}},
        }
    for status, (description, schema) in op.responses.items():
        body = {"description": description}
        if schema is not None:
            body["content"] = {op.media: {"schema": schema}}
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
