"""Forms of the agreement pages (administrators)."""
from wtforms import IntegerField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from avvikelse.agreements.settings import SETTINGS
from avvikelse.core.fields import Choice, Day, LongText, Text
from avvikelse.core.forms import AppForm

BOOL_CHOICES = [("", "Installationens inställning"), ("ja", "Ja"), ("nej", "Nej")]


class Whole(IntegerField):
    """An integer, with the message in Swedish rather than WTForms' own; a text input
    (styled like the others; the page asks for a numeric keyboard)."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip()
        if not raw:
            self.data = None
            return
        if not (raw.isascii() and raw.lstrip("-").isdigit()) or len(raw) > 6:
            self.data = None
            raise ValueError("Ange ett heltal.")
        self.data = int(raw)


def _setting_field(setting):
    if setting.kind is bool:
        return Choice(setting.label, [Optional()], choices=BOOL_CHOICES)
    return Whole(setting.label, [Optional(), NumberRange(
        min=setting.minimum, max=setting.maximum,
        message=f"Ange ett heltal {setting.minimum}–{setting.maximum}, eller lämna tomt.")])


class SettingsForm(AppForm):
    reason = LongText("Varför ändras inställningarna?", [
        InputRequired("Skriv varför inställningarna ändras."),
        Length(max=2000, message="Högst 2000 tecken.")])

    def values(self) -> dict:
        """Setting key → value; None for "the installation's"."""
        found = {}
        for setting in SETTINGS:
            data = self[setting.key].data
            if setting.kind is bool:
                found[setting.key] = {"ja": True, "nej": False}.get(data)
            else:
                found[setting.key] = data
        return found

    def fill(self, version) -> None:
        for setting in SETTINGS:
            value = getattr(version, setting.key)
            if setting.kind is bool:
                self[setting.key].data = "" if value is None else ("ja" if value else "nej")
            else:
                self[setting.key].data = value


for _setting in SETTINGS:
    setattr(SettingsForm, _setting.key, _setting_field(_setting))


class VersionForm(AppForm):
    name = Text("Namn", [InputRequired("Ge versionen ett namn, t.ex. året den gäller från."),
                         Length(max=40, message="Högst 40 tecken.")])
    valid_from = Day("Gäller från", [InputRequired("Ange första dagen versionen gäller.")])
    valid_to = Day("Gäller till och med (tomt: tills vidare)", [Optional()])
    note = LongText("Kommentar", [Optional(), Length(max=2000, message="Högst 2000 tecken.")])


class ExtensionForm(AppForm):
    new_end = Day("Förlängs till och med", [InputRequired("Ange det nya sista datumet.")])
    decided_on = Day("Beslutsdag", [Optional()])
    reference = Text("Beslut (diarienummer, paragraf)", [Optional(), Length(max=100, message="Högst 100 tecken.")])
    note = LongText("Kommentar", [Optional(), Length(max=2000, message="Högst 2000 tecken.")])
