"""Filters and globals every template may use: Swedish dates, form errors. Domains add
their own (cases.web.register_templates)."""
from datetime import date, datetime

from flask import Flask, current_app, request
from flask_babel import get_locale
from markupsafe import Markup
from wtforms import FieldList, FormField

from avvikelse.core.clock import to_local


def sv_datetime(value: datetime | None) -> str:
    return to_local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def sv_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    return value.isoformat()


def has_endpoint(endpoint: str) -> bool:
    """Whether a page exists in this build: the nav links only to what is installed."""
    return endpoint in current_app.view_functions


def register(app: Flask) -> None:
    app.add_template_filter(sv_datetime, "datetime")
    app.add_template_filter(sv_date, "date")
    app.add_template_global(has_endpoint, "has_endpoint")
    app.add_template_global(own_errors, "own_errors")
    app.add_template_global(form_errors, "form_errors")
    app.add_template_global(fragment, "fragment")
    app.add_template_global(choices_key, "choices_key")
    app.add_template_global(site_nav, "site_nav")
    app.add_template_global(site_nav_current, "site_nav_current")


#: Fragments kept per app; past this many (keys never seen before) the store starts over.
FRAGMENT_LIMIT = 256


def choices_key(choices) -> tuple:
    """A select's choices ([(value, label)], or [(group, [(value, label)])]) as a
    fragment key: the choices themselves, so other data renders another fragment."""
    return tuple((str(a), choices_key(b) if isinstance(b, list | tuple) else str(b)) for a, b in choices)


def fragment(name: str, *key, enabled: bool = True, caller):
    """`{% call fragment('name', k1, …, enabled=…) %}…{% endcall %}`: the body rendered
    once per process for (name, language, *key), and kept. For the parts of a page that
    depend on nothing but the key: a blank form's fixed fields (label, hint, choices from
    constant lists) cost a filing more CPU than anything else on its page. Whatever the
    body reads besides constants must be in the key; never per-user data. With `enabled`
    false (a posted form, carrying data and errors) the body is rendered as usual."""
    if not enabled or current_app.jinja_env.auto_reload:  # an edited template shows at once
        return caller()
    store = current_app.extensions.setdefault("avvikelse.fragments", {})
    full = (name, str(get_locale()), *key)
    html = store.get(full)
    if html is None:
        if len(store) >= FRAGMENT_LIMIT:
            store.clear()
        html = store[full] = caller()
    return html


#: The nav's variants kept per app; past this many the store starts over.
NAV_LIMIT = 256
_MARK = "\x00"
_CURRENT = Markup(' aria-current="page"')


def site_nav_current(endpoint: str) -> Markup:
    """In site_nav's body: where a link is marked as the current page. Which page is current
    is decided per request, after the kept body is taken."""
    return Markup("\x00{}\x00").format(endpoint)  # _MARK on both sides


def site_nav(*key, caller) -> Markup:
    """`{% call site_nav(k1, …) %}…{% endcall %}`: the layout's menu, rendered once per
    process for (language, script root, *key), and kept: every signed-in page shows it.
    The key must hold whatever the body reads (roles, flags), never per-user data. The
    body's site_nav_current(endpoint) marks become aria-current on this request's page."""
    auto_reload = current_app.jinja_env.auto_reload  # an edited template shows at once
    store = current_app.extensions.setdefault("avvikelse.nav", {})
    full = (str(get_locale()), request.script_root, *key)
    parts = None if auto_reload else store.get(full)
    if parts is None:
        # [text, endpoint, text, endpoint, …, text]
        parts = caller().split(_MARK)  # Markup's split: the parts stay Markup
        if not auto_reload:
            if len(store) >= NAV_LIMIT:
                store.clear()
            store[full] = parts
    endpoint = request.endpoint
    return Markup().join(
        part if i % 2 == 0 else (_CURRENT if part == endpoint else "")
        for i, part in enumerate(parts))


def own_errors(field) -> list[str]:
    """A field's messages; a list of rows also carries its rows' dicts, not shown here."""
    errors = field.errors
    if isinstance(errors, dict):
        return []
    return [m for m in errors or () if isinstance(m, str)]


def form_errors(form, prefix: str = "") -> list[tuple[str | None, str]]:
    """(element id, message) for an error summary, sub-forms and rows included."""
    found: list[tuple[str | None, str]] = [(None, m) for m in getattr(form, "form_errors", [])]
    for field in form:
        found += _field_errors(field, prefix)
    return found


def _field_errors(field, prefix: str) -> list[tuple[str | None, str]]:
    found = [(prefix + field.id, m) for m in own_errors(field)]
    if isinstance(field, FieldList):
        for entry in field.entries:
            found += _field_errors(entry, prefix)
    elif isinstance(field, FormField):
        for sub in field.form:
            found += _field_errors(sub, prefix)
    return found
