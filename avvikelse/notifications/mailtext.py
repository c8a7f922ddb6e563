"""Rendering mail text so that nothing a person typed can change the mail's shape.

Our mails are text/plain only, on purpose: no HTML part means no markup from user data
can ever be interpreted by a mail client, so there is nothing to escape *for* and no
reason to offer one. HTML escaping would be wrong here: a name like `Ö & Co <IT>` must
arrive as typed, not as `&amp;`. What a plain-text mail must be protected from is
different, and this module does it deliberately instead of through Flask's
`render_template` (whose environment escapes only `.html`, `.xml` and the like):

- Every interpolated value is forced onto one line: control characters (CR, LF, NUL,
  tab …), Unicode line/paragraph separators and bidi overrides become a space. A full
  name or an organisation name cannot add lines (a fake "Öppna ärendet:" link) to the
  body. Template syntax in a value (`{{ 7*7 }}`) is never evaluated: Jinja renders
  data, it does not re-parse it.
- Undefined names are errors (StrictUndefined), not silently empty text.
- Headers hold no user-typed text: the subject is our reference plus our own fixed
  wording (`tell()`'s texts, and their `subject` where a text names an organisation),
  and `header_text()` flattens it again before it is set, since `Mail` rows are stored.
  The recipient is an account's address, accepted only in plain `local@domain` form
  (core/email_address.py) when the account is created.
"""
import re

from flask import current_app
from jinja2 import Environment, StrictUndefined

_NOT_ON_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]+")
SUBJECT_MAX = 200  # Mail.subject's column


def one_line(value) -> str:
    if value is None:
        return ""
    return _NOT_ON_ONE_LINE.sub(" ", str(value))


def header_text(value: str, limit: int = SUBJECT_MAX) -> str:
    return one_line(value).strip()[:limit]


def _environment() -> Environment:
    env = current_app.extensions.get("avvikelse.mail_env")
    if env is None:
        # text/plain output: HTML escaping would be wrong here (see the module docstring).
        env = Environment(loader=current_app.jinja_loader, autoescape=False,  # noqa: S701  # nosec B701
                          undefined=StrictUndefined, finalize=one_line, keep_trailing_newline=True)
        current_app.extensions["avvikelse.mail_env"] = env
    return env


def render_text(template: str, **context) -> str:
    return _environment().get_template(template).render(**context)
