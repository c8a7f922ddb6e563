"""The admin pages' forms. Choices (units, roles, successors) are filled per request from
the administrator's organisation and `Role`, so a role added there is offered at once."""
from wtforms import SelectMultipleField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from avvikelse.core.fields import Choice, Text
from avvikelse.core.forms import AppForm


class Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _int_or_none(value):
    """An id from a select; anything else is an id no unit has (the service refuses it in
    its own words, not WTForms')."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class AccountForm(AppForm):
    username = Text("Användarnamn", [Optional(), Length(max=80, message="Högst 80 tecken.")])
    full_name = Text("Namn", [Optional(), Length(max=200, message="Högst 200 tecken.")])
    email = Text("E-post", [Optional(), Length(max=254, message="Högst 254 tecken.")])
    units = Checkboxes("Enheter (ingen vald: organisationens mottagning)", coerce=lambda v: _int_or_none(v))
    roles = Checkboxes("Roller")


class ConfirmForm(AppForm):
    """A button that changes something: CSRF only."""


class UnitForm(AppForm):
    code = Text("Kod", [Optional(), Length(max=64, message="Högst 64 tecken.")])
    name = Text("Namn", [InputRequired("Ange enhetens namn."), Length(max=200, message="Högst 200 tecken.")])
    parent = Choice("Överordnad enhet", [Optional()], coerce=_int_or_none, validate_choice=False)
    mailbox = Text("Funktionsbrevlåda (e-post)", [Optional(), Length(max=254, message="Högst 254 tecken.")])


class CloseUnitForm(AppForm):
    successor = Choice("Enhet som tar över", [InputRequired("Välj enheten som tar över.")],
                       coerce=_int_or_none, validate_choice=False)


class MailboxForm(AppForm):
    mailbox = Text("Mottagningens funktionsbrevlåda (e-post)",
                   [Optional(), Length(max=254, message="Högst 254 tecken.")])
