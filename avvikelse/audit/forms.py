"""Forms of the log review. The personnummer is only ever posted, never in a URL."""
from wtforms import HiddenField, IntegerField, SelectMultipleField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from avvikelse.core.clock import now_utc, to_local
from avvikelse.core.fields import Day, LongText, Text
from avvikelse.core.forms import AppForm
from avvikelse.core.personnummer import PersonnummerError, parse


def _not_future(form, field):
    if field.data and field.data > to_local(now_utc()).date():
        raise ValidationError("Datumet kan inte ligga i framtiden.")


class PersonnummerMixin:
    def validate_personnummer(self, field):
        self.patient_canonical = None
        if field.data:
            try:
                self.patient_canonical = parse(field.data, to_local(now_utc()).date())
            except PersonnummerError as exc:
                raise ValidationError(exc.message) from None


class LogFilterForm(PersonnummerMixin, AppForm):
    username = Text("Användare (användarnamn)", [Optional(), Length(max=80)])
    personnummer = Text("Patientens personnummer", [Optional(), Length(max=20)],
                        personnummer_allowed=True)
    reference = Text("Ärendereferens", [Optional(), Length(max=20)])
    date_from = Day("Från och med", [Optional(), _not_future])
    date_to = Day("Till och med", [Optional()])
    format = HiddenField()

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("Slutdatumet ligger före startdatumet.")


class SampleForm(LogFilterForm):
    size = IntegerField("Antal åtkomster i stickprovet", [
        InputRequired("Ange ett antal."),
        NumberRange(min=1, max=200, message="Ange ett antal mellan 1 och 200."),
    ], default=20)


class ReviewForm(AppForm):
    ids = SelectMultipleField("Granskade åtkomster", coerce=int, validate_choice=False)
    note = LongText("Anteckning", [InputRequired("Skriv en anteckning om granskningen."),
                                   Length(max=2000, message="Högst 2000 tecken.")])

    def validate_ids(self, field):
        if not field.data:
            raise ValidationError("Markera minst en åtkomst.")
        if any(not 0 < value < 2**31 for value in field.data):
            raise ValidationError("Ogiltig åtkomst.")


class ExtractForm(PersonnummerMixin, AppForm):
    personnummer = Text("Patientens personnummer", [InputRequired("Ange personnumret."),
                                                     Length(max=20)], personnummer_allowed=True)
    format = HiddenField()
