"""WTForms fields and validators shared by every form (and so by the API)."""
from datetime import date, datetime

from wtforms import DateField, Field, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import TextInput

from avvikelse.core import personnummer
from avvikelse.core.clock import SWEDEN, now_utc
from avvikelse.core.text import TextError, clean_text

CHOICE_MESSAGE = "Välj ett av alternativen."


def _cleaner(multiline: bool):
    def clean(value):
        if not isinstance(value, str) or not value:
            return value
        try:
            return clean_text(value, multiline=multiline)
        except TextError as exc:
            raise ValueError(exc.message) from None

    return clean


class _NoPersonnummer:
    """Free text never holds a personnummer: the patient's number has a field of its own,
    where it is validated, encrypted and shared only on a legal basis. A field meant for
    one (the patient field, a log search) says `personnummer_allowed=True`."""

    def __init__(self, *args, personnummer_allowed: bool = False, **kwargs):
        self.personnummer_allowed = personnummer_allowed
        super().__init__(*args, **kwargs)

    def pre_validate(self, form):
        super().pre_validate(form)
        if not self.personnummer_allowed and isinstance(self.data, str) \
                and personnummer.contains(self.data, now_utc().date()):
            raise ValidationError(personnummer.FOUND_IN_TEXT)


class Text(_NoPersonnummer, StringField):
    """A one-line text; control characters refused, bidi controls stripped."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("filters", []).append(_cleaner(multiline=False))
        super().__init__(*args, **kwargs)


class LongText(_NoPersonnummer, TextAreaField):
    """Free text: kept as typed (markup included, escaped on output), `\\n` line breaks."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("filters", []).append(_cleaner(multiline=True))
        super().__init__(*args, **kwargs)


class Choice(SelectField):
    def pre_validate(self, form):
        value = "" if self.data is None else str(self.data)
        if self.validate_choice and value not in {str(v) for v, _ in self.iter_choices_values()}:
            raise ValidationError(CHOICE_MESSAGE)

    def iter_choices_values(self):
        for choice in self.choices or []:
            yield (choice[0], choice[1])


def _int_or_none(value):
    return None if value in ("", None) else int(value)


class IntChoice(Choice):
    """A select of whole numbers in which the empty choice means "as it is" (None). The
    API takes it as an integer."""

    api_type = int

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", _int_or_none)
        super().__init__(*args, **kwargs)


class Radio(RadioField):
    def pre_validate(self, form):
        if self.data in (None, "") and any(isinstance(v, Optional) for v in self.validators):
            return  # an optional question left unanswered
        if self.data not in {v for v, _ in self.choices}:
            raise ValidationError(CHOICE_MESSAGE)


class YesNo(Radio):
    """Ja/nej with "not answered" as None, for questions a rule may make required."""

    TRUE = ("yes", "true", "ja", "y", "1")
    FALSE = ("no", "false", "nej", "n", "0")

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, choices=[("yes", "Ja"), ("no", "Nej")], **kwargs)

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip().lower()
        self.data = True if raw in self.TRUE else False if raw in self.FALSE else (raw or None)

    def pre_validate(self, form):
        if self.data not in (True, False, None):
            raise ValidationError("Svara ja eller nej.")

    def _value(self):
        return {True: "yes", False: "no"}.get(self.data, "")

    def iter_choices(self):
        for value, label in self.choices:
            yield (value, label, self._value() == value, {})


class LocalDateTime(Field):
    """A point in time: `YYYY-MM-DDTHH:MM` as a person types it (Swedish time), or full
    ISO 8601 with an offset as a system sends it. Stored as aware UTC."""

    widget = TextInput(input_type="datetime-local")

    def __init__(self, label=None, validators=None, message="Ange datum och tid, t.ex. 2026-03-14 08:30.", **kw):
        super().__init__(label, validators, **kw)
        self.message = message
        self.raw = ""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.astimezone(SWEDEN).strftime("%Y-%m-%dT%H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        if not self.raw:
            self.data = None
            return
        try:
            value = datetime.fromisoformat(self.raw.replace(" ", "T", 1))
        except ValueError:
            self.data = None
            raise ValueError(self.message) from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=SWEDEN)
        if value.year < 1900:
            self.data = None
            raise ValueError("Datumet är orimligt tidigt.")
        self.data = value


class Day(DateField):
    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Ange ett datum som ÅÅÅÅ-MM-DD.") from None
        if isinstance(self.data, date) and self.data.year < 1900:
            self.data = None
            raise ValueError("Datumet är orimligt tidigt.")


def apply_errors(form, errors: dict[str, list[str]]) -> None:
    """Put a service's field errors beside the fields; unknown names go to the form."""
    for name, messages in errors.items():
        field = getattr(form, name, None)
        target = list(field.errors) if isinstance(field, Field) else form.form_errors
        target.extend(messages)
        if isinstance(field, Field):
            field.errors = target
