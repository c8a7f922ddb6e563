"""The base of every form: Flask-WTF's, with WTForms' own messages translated once per
process instead of once per request.

Flask-WTF reads WTForms' message catalogue from disk for each request that builds a
form (flask_wtf.i18n); filing a case paid about half a millisecond for it
(bench/filing.py). The catalogue never changes while the process runs.
"""
from functools import lru_cache

from babel import support
from flask import has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


@lru_cache(maxsize=8)
def _catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _Messages:
    """WTForms asks this for its built-in messages (e.g. "Not a valid choice.")."""

    def gettext(self, string: str) -> str:
        return _catalogue(str(get_locale())).ugettext(string) if has_request_context() else string

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if not has_request_context():
            return singular if n == 1 else plural
        return _catalogue(str(get_locale())).ungettext(singular, plural, n)


_MESSAGES = _Messages()


class AppForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return _MESSAGES
