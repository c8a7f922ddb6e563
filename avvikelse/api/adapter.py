"""JSON in, WTForms out: the API validates through the very forms the web uses.

A JSON object becomes a MultiDict in WTForms' naming (`measures-0-text`), so the
forms' rules, messages and `to_input()` serve both channels. What a form cannot see
in strings – a JSON value of the wrong type – is refused here, by the same field name.
"""
from flask import request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest
from wtforms import BooleanField, Field, FieldList, FormField, IntegerField

from avvikelse.api.errors import fail
from avvikelse.core.errors import ValidationFailed
from avvikelse.core.fields import YesNo

TYPE_MESSAGES = {
    str: "Ange värdet som text.",
    int: "Ange ett heltal.",
    bool: "Ange true eller false.",
    list: "Ange en lista.",
    dict: "Ange ett objekt.",
    YesNo: "Ange true eller false.",
}


def json_body() -> dict:
    """The request's JSON object, or a 415/400 JSON error."""
    if not request.is_json:
        fail(415, "Skicka JSON med Content-Type: application/json.")
    try:
        body = request.get_json()
    except (BadRequest, RecursionError):  # RecursionError: absurdly deep nesting
        fail(400, "Begäran innehåller inte giltig JSON.")
    if not isinstance(body, dict):
        fail(400, "Begäran måste vara ett JSON-objekt.")
    return body


def validate(form_class, payload: dict):
    """The validated form, or ValidationFailed with every error by API field name."""
    proto = form_class(formdata=None, meta={"csrf": False})
    formdata, type_errors = MultiDict(), {}
    _encode(proto, payload, (), formdata, type_errors)
    form = form_class(formdata=formdata, meta={"csrf": False})
    ok = form.validate()
    # A wrong type explains a field better than the "required" its omission caused.
    errors = dict(_leaves(form.errors, ())) | type_errors
    if not ok or type_errors:
        raise ValidationFailed(_by_field(errors))
    return form


def _encode(form, payload: dict, path: tuple, out: MultiDict, errors: dict) -> None:
    """Add `payload` to `out` under WTForms' names (`measures-0-text`); a value of the
    wrong type is left out and its error kept under its path (`measures`, 0, `text`)."""
    for name, field in form._fields.items():
        value = payload.get(name)
        if value is None:
            continue  # absent or null: the form decides whether it was required
        here, expected = (*path, name), _expected(field)
        if not _is(value, expected):
            errors[here] = [TYPE_MESSAGES[expected]]
        elif isinstance(field, FieldList):
            _encode_list(field, value, here, out, errors)
        elif isinstance(field, FormField):
            _encode(field.form, value, here, out, errors)
        else:
            out.add(_name(here), _scalar(value, field))


def _encode_list(field: FieldList, items: list, path: tuple, out: MultiDict, errors: dict) -> None:
    if field.max_entries and len(items) > field.max_entries:
        errors[path] = [f"Högst {field.max_entries} rader."]
        return
    template = field.entries[0] if field.entries else field._add_entry()
    for index, item in enumerate(items):
        here = (*path, index)
        if not isinstance(template, FormField):
            if item is not None:
                out.add(_name(here), _scalar(item, template))
        elif isinstance(item, dict):
            _encode(template.form, item, here, out, errors)
        else:
            errors[here] = [TYPE_MESSAGES[dict]]


def _name(path: tuple) -> str:
    return "-".join(str(part) for part in path)


def _expected(field: Field):
    if isinstance(field, YesNo):
        return YesNo
    if isinstance(field, BooleanField):
        return bool
    if isinstance(field, FieldList):
        return list
    if isinstance(field, FormField):
        return dict
    if isinstance(field, IntegerField):
        return int
    return getattr(field, "api_type", None) or (int if getattr(field, "coerce", str) is int else str)


def _is(value, expected) -> bool:
    if expected is YesNo:  # true/false, or the words the web form posts ("yes"/"no")
        return isinstance(value, bool | str)
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _scalar(value, field: Field) -> str:
    if isinstance(field, YesNo) and isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(field, BooleanField):
        return "y" if value else ""  # "" is among BooleanField's false values
    return str(value)


def _leaves(errors, path: tuple):
    """WTForms' errors (a FieldList's are a list per row, a FormField's a dict) as
    (path, messages) pairs: (`measures`, 0, `owner`) → [...]."""
    if isinstance(errors, dict):
        for name, sub in errors.items():
            yield from _leaves(sub, (*path, "form" if name is None else name))
    elif errors and all(isinstance(e, str) for e in errors):
        yield path, list(errors)
    else:
        for index, sub in enumerate(errors):
            if sub:
                yield from _leaves(sub, (*path, index))


def _by_field(errors: dict[tuple, list[str]]) -> dict[str, list[str]]:
    """Under the request's top-level field, a nested message says where: "Rad 1, owner: …"."""
    result: dict[str, list[str]] = {}
    for (top, *rest), messages in errors.items():
        where = ", ".join(f"Rad {p + 1}" if isinstance(p, int) else p for p in rest)
        result.setdefault(top, []).extend(f"{where}: {m}" if where else m for m in messages)
    return result
