"""WTForms classes as JSON Schema: what a form accepts through the API's adapter.

The API validates JSON through the very forms the pages use (adapter.py), so the OpenAPI
document derives request bodies from them: a rule changed in a form changes the document.
"""
from wtforms import BooleanField, Field, FieldList, FormField, IntegerField, RadioField, SelectField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from avvikelse.core.fields import Day, LocalDateTime, YesNo


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
    integer = (getattr(field, "coerce", str) is int or getattr(field, "api_type", None) is int
               or isinstance(field, IntegerField))
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
