"""Forms for investigations, measures and learning summaries. The API validates through
the same classes (the lists of references and usernames are lists in JSON)."""
from wtforms import BooleanField, FieldList
from wtforms.validators import Length, Optional

from avvikelse.cases.enums import MeasureStatus
from avvikelse.cases.forms import long_text, required
from avvikelse.core.fields import Choice, Day, LocalDateTime, LongText, Text
from avvikelse.core.forms import AppForm
from avvikelse.learning.enums import FactorArea
from avvikelse.learning.investigations import MAX_CASES, MAX_NAMES, OpenInput
from avvikelse.learning.measures import MeasureData, MeasureUpdate

REFERENCE = [Optional(), Length(max=20, message="Högst 20 tecken.")]
USERNAME = [Optional(), Length(max=80, message="Högst 80 tecken.")]


def _lines(value: str | None) -> list[str]:
    """References or usernames typed one per line, or separated by commas or spaces."""
    return [part for part in (value or "").replace(",", " ").split() if part]


class InvestigationForm(AppForm):
    """POST /api/v1/investigations: {cases, joint, participants, title}."""

    cases = FieldList(Text("Ärende", REFERENCE), max_entries=MAX_CASES)
    joint = BooleanField("Gemensam med den andra huvudmannen")
    participants = FieldList(Text("Användarnamn", USERNAME), max_entries=MAX_NAMES)
    title = Text("Rubrik", [Optional(), Length(max=200, message="Högst 200 tecken.")])

    def to_input(self) -> OpenInput:
        return OpenInput(cases=[c for c in self.cases.data if c], joint=bool(self.joint.data),
                         participants=[p for p in self.participants.data if p], title=self.title.data or "")


class InvestigationPageForm(AppForm):
    """The page's form: references and usernames typed in a box each."""

    cases = LongText("Ärenden", [required("Ange minst ett ärende."), Length(max=2000)])
    joint = BooleanField("Gemensam med den andra huvudmannen")
    participants = LongText("Deltagare från er organisation", [Optional(), Length(max=2000)])
    title = Text("Rubrik", [Optional(), Length(max=200, message="Högst 200 tecken.")])

    def to_input(self) -> OpenInput:
        return OpenInput(cases=_lines(self.cases.data), joint=bool(self.joint.data),
                         participants=_lines(self.participants.data), title=self.title.data or "")


class ParticipantsForm(AppForm):
    """POST /api/v1/investigations/<id>/participants: {participants}."""

    participants = FieldList(Text("Användarnamn", USERNAME), max_entries=MAX_NAMES)

    def names(self) -> list[str]:
        return [p for p in self.participants.data if p]


class ParticipantsPageForm(AppForm):
    participants = LongText("Deltagare från er organisation (användarnamn)",
                            [required("Ange minst ett användarnamn."), Length(max=2000)])

    def names(self) -> list[str]:
        return _lines(self.participants.data)


class TimelineForm(AppForm):
    happened_at = LocalDateTime("När?", [required("Ange när det hände.")])
    text = long_text("Vad hände?", "Beskriv vad som hände.")


class FactorForm(AppForm):
    area = Choice("Område", [required("Välj ett område.")], choices=[("", "Välj …"), *FactorArea.choices()])
    # The clauses of the covered cases' agreement versions; the page fills them and the
    # service checks the code.
    clause = Choice("Avtalspunkt som faktorn berör", [Optional()], validate_choice=False,
                    choices=[("", "Välj …")])
    text = long_text("Beskrivning", "Beskriv den bidragande faktorn.")


class RootCauseForm(AppForm):
    text = long_text("Grundorsak", "Beskriv grundorsaken.")


class ConclusionForm(AppForm):
    conclusion = long_text("Slutsats", "Skriv slutsatsen.")


class ReasonForm(AppForm):
    reason = long_text("Motivering", "Skriv varför.")


class NoteForm(AppForm):
    note = long_text("Vad behöver ändras?", "Skriv vad som behöver ändras.")


class ConfirmForm(AppForm):
    """A button: CSRF only."""


class MeasureForm(AppForm):
    """POST …/measures: {text, owner, owner_organisation, owner_user, due_on, effect_due_on}."""

    text = long_text("Åtgärd", "Beskriv åtgärden.")
    owner = Text("Ansvarig (namn eller roll)", [required("Ange vem som är ansvarig (namn eller roll)."),
                                                Length(max=200, message="Högst 200 tecken.")])
    owner_organisation = Choice("Ansvarig organisation", [Optional()], validate_choice=False,
                                choices=[("", "Er egen organisation")])
    owner_user = Text("Konto som får påminnelser (användarnamn)", USERNAME)
    due_on = Day("Klart senast", [required("Ange när åtgärden ska vara klar.")])
    effect_due_on = Day("Följ upp effekten", [Optional()])

    def to_input(self) -> MeasureData:
        return MeasureData(text=self.text.data, owner=self.owner.data, due_on=self.due_on.data,
                           owner_organisation=self.owner_organisation.data or None,
                           owner_user=self.owner_user.data or None, effect_due_on=self.effect_due_on.data)


class MeasureUpdateForm(AppForm):
    """POST /api/v1/measures/<id>: {status, note, effect_checked_on, effect, …}."""

    status = Choice("Status", [Optional()], choices=[("", "Oförändrad"), *MeasureStatus.choices()])
    note = long_text("Anteckning (skälet när den inte genomförs)", "", optional=True)
    due_on = Day("Nytt datum för klart senast", [Optional()])
    effect_due_on = Day("Följ upp effekten", [Optional()])
    effect_checked_on = Day("Effekten uppföljd", [Optional()])
    effect = long_text("Vad uppföljningen visade", "", optional=True)
    patient_informed_on = Day("Patienten informerad om åtgärden (PSL 3 kap. 8 §)", [Optional()])

    def to_input(self) -> MeasureUpdate:
        return MeasureUpdate(status=self.status.data or None, note=self.note.data, due_on=self.due_on.data,
                             effect_due_on=self.effect_due_on.data, effect_checked_on=self.effect_checked_on.data,
                             effect=self.effect.data, patient_informed_on=self.patient_informed_on.data)


class SummaryForm(AppForm):
    """POST /api/v1/learning: {text, cases}."""

    text = long_text("Lärande exempel", "Skriv det lärande exemplet.")
    cases = FieldList(Text("Ärende", REFERENCE), max_entries=MAX_CASES)

    def references(self) -> list[str]:
        return [c for c in self.cases.data if c]


class SummaryPageForm(AppForm):
    text = long_text("Lärande exempel", "Skriv det lärande exemplet.")
    cases = LongText("Ärenden", [Optional(), Length(max=2000)])

    def references(self) -> list[str]:
        return _lines(self.cases.data)
