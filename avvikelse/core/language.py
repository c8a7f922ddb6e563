"""The user's language: Swedish by default, English on request, kept in a cookie so the
choice survives signing out (the login page is read in it too). Dates and numbers stay in
Swedish format in both languages: the reader is in a Swedish workplace."""
from functools import lru_cache
from urllib.parse import urlsplit

from babel.numbers import format_decimal
from flask import Blueprint, redirect, request, url_for

from avvikelse.core.urls import safe_next
from avvikelse.extensions import request_translations

SUPPORTED = ("sv", "en")
DEFAULT = "sv"
COOKIE = "sprak"
ONE_YEAR = 365 * 24 * 3600

bp = Blueprint("language", __name__)


def select_locale() -> str:
    """Flask-Babel's locale selector: the cookie when it names a language we have."""
    chosen = request.cookies.get(COOKIE) if request else None
    return chosen if chosen in SUPPORTED else DEFAULT


@bp.app_template_global()
def current_language() -> str:
    return select_locale()


@bp.app_template_filter("tr")
def translate(text):
    """A runtime string (a form's label or message, written in Swedish in the form class)
    through the catalogue; unformatted, so a literal % is safe. Read from the request's
    kept catalogue: a select of units or people passes every option through here."""
    return request_translations().ugettext(text) if isinstance(text, str) and text else text


@bp.app_template_filter("number")
def sv_number(value) -> str:
    """12 345,5 — Swedish grouping and decimal comma whatever the page's language."""
    if type(value) is int:  # a list page's counts: the same few numbers on every page
        return _sv_int(value)
    return format_decimal(value, locale="sv_SE")


@lru_cache(maxsize=4096)
def _sv_int(value: int) -> str:
    return format_decimal(value, locale="sv_SE")


@bp.app_template_filter("capped")
def capped(value: int, cap: int) -> str:
    """A count that stopped at the cap shows as "1 000+"."""
    return f"{sv_number(cap)}+" if value > cap else sv_number(value)


def _back() -> str | None:
    """The referring page on this site, as a path; anything else is ignored."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host:
        return None
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))


@bp.route("/sprak", methods=["POST"])
def switch():
    """A form post (with its CSRF token), then back to the page it came from. That page is
    read from the Referer (sent same-origin by our Referrer-Policy), not from a field, so
    every page renders the switch the same way (a hidden 404 looks like a missing one)."""
    chosen = request.form.get("lang", "")
    response = redirect(_back() or url_for("cases.start"), code=303)
    if chosen in SUPPORTED:
        response.set_cookie(COOKIE, chosen, max_age=ONE_YEAR, httponly=True, samesite="Lax",
                            secure=request.is_secure)
    return response
