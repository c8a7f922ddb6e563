"""The search page's forms: saving a search, and removing one (the CSRF token only)."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import DataRequired, Length

from avvikelse.core.fields import Text
from avvikelse.core.forms import AppForm


class SaveSearchForm(AppForm):
    name = Text(_l("Namn på sökningen"), validators=[DataRequired(message=_l("Ge sökningen ett namn.")),
                                                     Length(max=100)])
    query = HiddenField()


class RemoveSearchForm(AppForm):
    pass
