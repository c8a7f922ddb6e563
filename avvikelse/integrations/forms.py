"""Forms of the integration pages (tokens, integration accounts, webhooks, imports)."""
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, SelectMultipleField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from avvikelse.core.fields import Text
from avvikelse.core.forms import AppForm


class TokenForm(AppForm):
    name = Text("Namn", [InputRequired("Ge token ett namn, t.ex. systemets namn."),
                         Length(max=100, message="Högst 100 tecken.")])
    # The longest allowed depends on the owner (accounts/tokens.max_days): checked there.
    expires_in_days = IntegerField("Giltig i antal dagar", [Optional()])


class ConfirmForm(AppForm):
    """A button that changes something: CSRF only."""


class MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class IntegrationAccountForm(AppForm):
    username = Text("Användarnamn", [InputRequired("Ange ett användarnamn."), Length(max=80)])
    full_name = Text("Systemets namn", [Optional(), Length(max=200, message="Högst 200 tecken.")])
    roles = MultiCheckbox("Får", choices=[("reporter", "Rapportera ärenden"),
                                          ("handler", "Handlägga inkomna ärenden")])
    units = MultiCheckbox("Enheter", coerce=int, choices=[])


class WebhookForm(AppForm):
    url = Text("Adress (https://…)", [InputRequired("Ange adressen."), Length(max=500, message="Högst 500 tecken.")])
    description = Text("Beskrivning", [Optional(), Length(max=200, message="Högst 200 tecken.")])


class ImportForm(AppForm):
    file = FileField("CSV-fil")
    apply = BooleanField("Genomför importen (annars bara en provkörning)")
