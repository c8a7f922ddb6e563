"""The user's language: Swedish by default, English on request, kept in a cookie so the
choice survives signing out (the login page is read in it too). Dates and numbers stay in
Swedish format in both languages: the reader is in a Swedish workplace."""
from urllib.parse import urlsplit

from babel.numbers import format_decimal
from flask import Blueprint, Flask, g, redirect, request, url_for
from flask_babel import get_translations

from avvikelse.core.urls import safe_next

SUPPORTED = ("sv", "en")
DEFAULT = "sv"
COOKIE = "sprak"
ONE_YEAR = 365 * 24 * 3600

bp = Blueprint("language", __name__)


def select_locale() -> str:
    """Flask-Babel's locale selector: the cookie when it names a language we have."""
    chosen = request.cookies.get(COOKIE) if request else None
    return chosen if chosen in SUPPORTED else DEFAULT


def translations():
    """Flask-Babel's translations for this request, looked up once. Its own look-up walks
    `g` several times for every string (some 20 µs), and a page translates dozens. Kept
    beside Flask-Babel's per-request state and tied to the locale and domain objects
    there, so whatever replaces those (refresh, force_locale) is followed."""
    try:
        state = g.get("_flask_babel")
    except RuntimeError:  # outside an app context: Flask-Babel's own answer
        return get_translations()
    if state is not None:
        found = getattr(state, "avvikelse_translations", None)
        if (found is not None and found[0] is getattr(state, "babel_locale", None)
                and found[1] is getattr(state, "babel_domain", None)):
            return found[2]
    found = get_translations()
    state = g.get("_flask_babel")
    if state is not None:
        state.avvikelse_translations = (getattr(state, "babel_locale", None),
                                        getattr(state, "babel_domain", None), found)
    return found


def install(app: Flask) -> None:
    """The templates' `_()` and friends through `translations()`: the same catalogue
    Flask-Babel installs, without its look-up per string."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


@bp.app_template_global()
def current_language() -> str:
    return select_locale()


@bp.app_template_filter("tr")
def translate(text):
    """A runtime string (a form's label or message, written in Swedish in the form class)
    through the catalogue; unformatted, so a literal % is safe."""
    return translations().ugettext(text) if isinstance(text, str) and text else text


@bp.app_template_filter("number")
def sv_number(value) -> str:
    """12 345,5 — Swedish grouping and decimal comma whatever the page's language."""
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
