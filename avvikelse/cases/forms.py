"""Forms for filing and acting on cases. The API validates through the same classes."""
import uuid
from datetime import date

from wtforms import BooleanField, FieldList, Form, FormField, HiddenField
from wtforms.validators import InputRequired, Length, Optional, StopValidation, ValidationError

from avvikelse.cases import categories, vocabulary
from avvikelse.cases.enums import Activity, Complainant, Confirmed, EventType, Kind, LinkKind
from avvikelse.cases.inputs import ActionInput, CaseInput, MeasureInput
from avvikelse.core.clock import now_utc
from avvikelse.core.fields import Choice, Day, IntChoice, LocalDateTime, LongText, Radio, Text, YesNo
from avvikelse.core.forms import AppForm
from avvikelse.core.personnummer import PersonnummerError, parse

LONG = 10_000
SCALE = [(1, "1"), (2, "2"), (3, "3"), (4, "4")]



class Filled(InputRequired):
    """InputRequired that also refuses text its filter stripped to nothing: without
    this, a description of only spaces was accepted and stored as ""."""

    def __call__(self, form, field):
        super().__call__(form, field)
        if isinstance(field.data, str) and not field.data.strip():
            field.errors[:] = []
            raise StopValidation(self.message)


def required(message: str):
    return Filled(message=message)


def long_text(label, message, optional=False):
    first = Optional() if optional else required(message)
    return LongText(label, [first, Length(max=LONG, message=f"Högst {LONG} tecken.")])


def _choice(label, choices, message=None):
    first = required(message) if message else Optional()
    return Choice(label, [first], choices=[("", "Välj …"), *choices])


class CaseForm(AppForm):
    kind = Radio("Typ av ärende", [required("Välj avvikelse eller klagomål.")],
                 choices=Kind.choices(), default=Kind.DEVIATION.value)
    event_type = Choice("Typ av händelse", [Optional()], choices=EventType.choices(),
                        default=EventType.ADVERSE_EVENT.value)
    # Organisation and unit codes are checked against the directory by the service,
    # which knows the reporter; the form only needs them present.
    receiver_organisation = Choice("Mottagande organisation",
                                   [required("Välj vilken organisation avvikelsen gäller.")],
                                   validate_choice=False)
    receiver_unit = Choice("Mottagande enhet (om du vet)", [Optional()], validate_choice=False)
    sender_unit = Choice("Din enhet", [Optional()], validate_choice=False)
    occurred_at = LocalDateTime("När hände det?", [required("Ange när händelsen inträffade.")])
    discovered_at = LocalDateTime("När upptäcktes det? (om senare)", [Optional()])
    # The codes are the agreement version's in force (the page lists them); the service
    # checks the code against it, so a new version needs no new form.
    category = Choice("Kategori", [required("Välj en kategori.")], validate_choice=False,
                      choices=[("", "Välj …"), *categories.choices()])
    # Which of the receiver's activities it concerns: decides who oversees it (MAS and
    # chefsläkare for health care, SAS for the kommun's social services).
    activity = Radio("Verksamhet som avvikelsen gäller", [Optional()], choices=Activity.choices(),
                     default=Activity.HEALTH_CARE.value)
    complainant = _choice("Vem har framfört klagomålet?", Complainant.choices())
    complainant_contact = Text("Hur når mottagaren den som klagat? (telefon, adress)",
                               [Optional(), Length(max=300, message="Högst 300 tecken.")])
    description = long_text("Vad hände?", "Beskriv vad som hände.")
    immediate_action = long_text("Vad gjorde du direkt?", "Beskriv vad som gjordes direkt.")
    proposal = long_text("Förslag på förbättring", "", optional=True)
    consequence = Radio("Konsekvens för patienten", [required("Välj konsekvens 1–4.")],
                        choices=SCALE, coerce=int)
    probability = Radio("Sannolikhet att det händer igen", [required("Välj sannolikhet 1–4.")],
                        choices=SCALE, coerce=int)
    serious = BooleanField("Jag bedömer händelsen som allvarlig")
    reporter_role = _choice("Din yrkesroll", vocabulary.REPORTER_ROLES)
    location_type = _choice("Var hände det?", vocabulary.LOCATION_TYPES)
    care_phase = _choice("Vårdskede", vocabulary.CARE_PHASES)
    patient_id = Text("Patientens personnummer eller samordningsnummer", [Optional()],
                      personnummer_allowed=True)
    patient_reserve_id = Text("Reservnummer (om personnummer saknas)",
                              [Optional(), Length(max=40, message="Högst 40 tecken.")])
    # The list is data (legal_bases): the page fills the choices, the service checks the
    # code, so a filing posts without reading the list.
    patient_shared_basis = Choice("Dela patientens identitet med mottagaren", [Optional()],
                                  validate_choice=False, choices=[("", "Dela inte")])
    patient_shared_note = long_text("Rättslig grund: vilken bestämmelse, hur samtycket gavs",
                                    "", optional=True)
    patient_protected = BooleanField("Patienten har skyddade personuppgifter")

    # A new key with every blank form; kept through validation errors, so the eventual
    # successful post and any repeat of it carry the same key.
    submission_key = HiddenField(validators=[Optional(), Length(max=64)],
                                 default=lambda: uuid.uuid4().hex)

    def validate_patient_id(self, field):
        try:
            self.patient_canonical = parse(field.data, now_utc().date())
        except PersonnummerError as exc:
            raise ValidationError(exc.message) from None

    def validate_patient_reserve_id(self, field):
        if field.data and self.patient_id.data:
            raise ValidationError("Ange antingen personnummer eller reservnummer, inte båda.")

    def to_input(self) -> CaseInput:
        return CaseInput(
            kind=self.kind.data, event_type=self.event_type.data or EventType.ADVERSE_EVENT.value,
            receiver_organisation=self.receiver_organisation.data,
            receiver_unit=self.receiver_unit.data or None, sender_unit=self.sender_unit.data or None,
            occurred_at=self.occurred_at.data, discovered_at=self.discovered_at.data,
            category=self.category.data, description=self.description.data,
            immediate_action=self.immediate_action.data, proposal=self.proposal.data,
            consequence=self.consequence.data, probability=self.probability.data,
            serious=bool(self.serious.data), reporter_role=self.reporter_role.data,
            location_type=self.location_type.data, care_phase=self.care_phase.data,
            patient_id=getattr(self, "patient_canonical", None) if self.patient_id.data else None,
            patient_reserve_id=self.patient_reserve_id.data or None,
            patient_shared_basis=self.patient_shared_basis.data or None,
            patient_shared_note=self.patient_shared_note.data or None,
            patient_protected=bool(self.patient_protected.data),
            activity=self.activity.data or Activity.HEALTH_CARE.value,
            complainant=self.complainant.data or None,
            complainant_contact=self.complainant_contact.data or None,
            submission_key=self.submission_key.data or None,
        )


class NoteForm(AppForm):
    """acknowledge (note optional), ask, reply."""

    note = long_text("Meddelande", "", optional=True)

    def to_input(self) -> ActionInput:
        return ActionInput(note=self.note.data)


class ReasonForm(AppForm):
    """dispute, withdraw: the service asks for the reason, naming what it is for."""

    reason = long_text("Motivering", "", optional=True)

    def to_input(self) -> ActionInput:
        return ActionInput(note=self.reason.data)


class ForwardForm(AppForm):
    unit = Choice("Enhet", [required("Välj en enhet.")], validate_choice=False)
    note = long_text("Meddelande", "", optional=True)

    def to_input(self) -> ActionInput:
        return ActionInput(unit=self.unit.data, note=self.note.data)


class AssignForm(AppForm):
    """assign: the owner by username (the page offers the handlers who may own it)."""

    owner = Choice("Ansvarig handläggare", [required("Välj vem som ska ansvara för ärendet."),
                                            Length(max=80, message="Högst 80 tecken.")],
                   validate_choice=False)
    note = long_text("Meddelande", "", optional=True)

    def to_input(self) -> ActionInput:
        return ActionInput(owner=self.owner.data, note=self.note.data)


class RedirectForm(AppForm):
    organisation = Choice("Rätt organisation", [required("Välj organisation.")], validate_choice=False)
    reason = long_text("Varför är det fel mottagare?", "", optional=True)

    def to_input(self) -> ActionInput:
        return ActionInput(organisation=self.organisation.data, note=self.reason.data)


class MeasureForm(Form):  # a subform: no CSRF token of its own
    text = Text("Åtgärd", [Optional(), Length(max=2000, message="Högst 2000 tecken.")])
    owner = Text("Ansvarig", [Optional(), Length(max=200, message="Högst 200 tecken.")])
    due_on = Day("Klart senast", [Optional()])

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        filled = [f for f in (self.text, self.owner, self.due_on) if f.data]
        if filled and len(filled) < 3:
            for f in (self.text, self.owner, self.due_on):
                if not f.data and not f.errors:
                    f.errors = [*f.errors, "Fyll i åtgärd, ansvarig och datum."]
            return False
        if self.due_on.data and self.due_on.data < date(2000, 1, 1):
            self.due_on.errors = [*self.due_on.errors, "Datumet är orimligt tidigt."]
            return False
        return ok

    @property
    def blank(self) -> bool:
        return not (self.text.data or self.owner.data or self.due_on.data)


class AnswerForm(AppForm):
    confirmed = Radio("Bekräftar ni avvikelsen?", [required("Välj ja, delvis eller nej.")],
                      choices=Confirmed.choices())
    analysis = long_text("Orsaksanalys", "Beskriv orsaksanalysen.")
    patient_informed = YesNo("Har patienten informerats?", [Optional()])
    measures = FieldList(FormField(MeasureForm), min_entries=3, max_entries=20)

    def to_input(self) -> ActionInput:
        measures = [
            MeasureInput(text=m.text.data, owner=m.owner.data, due_on=m.due_on.data)
            for m in self.measures if not m.form.blank
        ]
        return ActionInput(
            confirmed=self.confirmed.data, analysis=self.analysis.data,
            patient_informed=self.patient_informed.data, measures=measures,
        )


class ReclassifyForm(AppForm):
    """Each field left empty keeps its value."""

    consequence = IntChoice("Konsekvens för patienten", [Optional()],
                            choices=[("", "Oförändrad"), *[(str(v), label) for v, label in SCALE]])
    probability = IntChoice("Sannolikhet att det händer igen", [Optional()],
                            choices=[("", "Oförändrad"), *[(str(v), label) for v, label in SCALE]])
    category = Choice("Kategori", [Optional()], choices=[("", "Oförändrad"), *categories.choices()])
    activity = Choice("Verksamhet", [Optional()], choices=[("", "Oförändrad"), *Activity.choices()])
    reason = long_text("Varför?", "", optional=True)

    def to_input(self) -> ActionInput:
        return ActionInput(consequence=self.consequence.data, probability=self.probability.data,
                           category=self.category.data or None, activity=self.activity.data or None,
                           note=self.reason.data)


class _DirectContact(AppForm):
    def to_input(self) -> ActionInput:
        return ActionInput(with_whom=getattr(self, "with").data, at=self.at.data)


# `with` is the API's name for whom the contact was with, and a Python keyword: the
# class is built with it as a field name.
DirectContactForm = type("DirectContactForm", (_DirectContact,), {
    "with": Text("Vem talade du med?", [required("Ange vem du talade med, t.ex. ”MAS i Krokom”."),
                                        Length(max=200, message="Högst 200 tecken.")]),
    "at": LocalDateTime("När?", [required("Ange när kontakten togs.")]),
})


class ComplaintDateForm(AppForm):
    on = Day("Datum", [required("Ange datum.")])

    def to_input(self) -> ActionInput:
        return ActionInput(on=self.on.data)


class ShareIdentityForm(AppForm):
    basis = Choice("Rättslig grund", [required("Välj en rättslig grund.")], validate_choice=False,
                   choices=[("", "Välj …")])
    note = long_text("Vilken bestämmelse, hur samtycket gavs", "", optional=True)

    def to_input(self) -> ActionInput:
        return ActionInput(basis=self.basis.data, note=self.note.data)


#: the bulk actions (cases/bulk.py), as the list page offers them
BULK_CHOICES = [("acknowledge", "Kvittera"), ("assign", "Tilldela ansvarig handläggare"),
                ("forward", "Vidarebefordra inom organisationen")]


class BulkForm(AppForm):
    """Many cases at once (cases/bulk.py): the references ticked in the list, the action,
    and what it needs: the owner (assign) or the unit (forward)."""

    action = Choice("Åtgärd", [required("Välj vad som ska göras med de markerade ärendena.")],
                    choices=BULK_CHOICES)
    references = FieldList(Text("Ärende", [Optional(), Length(max=20, message="Högst 20 tecken.")]),
                           max_entries=100)
    owner = Choice("Ansvarig handläggare", [Optional(), Length(max=80, message="Högst 80 tecken.")],
                   validate_choice=False)
    unit = Choice("Enhet", [Optional(), Length(max=64, message="Högst 64 tecken.")],
                  validate_choice=False)
    note = long_text("Meddelande", "", optional=True)

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.action.data == "assign" and not self.owner.data:
            self.owner.errors = [*self.owner.errors, "Välj vem som ska ansvara för ärendena."]
            ok = False
        if self.action.data == "forward" and not self.unit.data:
            self.unit.errors = [*self.unit.errors, "Välj enheten ärendena ska till."]
            ok = False
        if not any(e.data for e in self.references):
            self.references.errors = [*self.references.errors, "Välj minst ett ärende."]
            ok = False
        return ok

    @property
    def chosen(self) -> list[str]:
        return [e.data for e in self.references if e.data]

    def to_input(self) -> ActionInput:
        return ActionInput(owner=self.owner.data or None, unit=self.unit.data or None,
                           note=self.note.data)


class MergeForm(AppForm):
    into = Text("Ärendet det är en dubblett av", [required("Ange ärendet det är en dubblett av."),
                                                  Length(max=20, message="Högst 20 tecken.")])
    note = long_text("Meddelande", "", optional=True)

    def to_input(self) -> ActionInput:
        return ActionInput(into=self.into.data.strip(), note=self.note.data)


class LinkForm(AppForm):
    """Link this case to another the user sees (cases/links.py)."""

    reference = Text("Ärende att länka till", [required("Ange ärendets referens, t.ex. AV-2026-000123."),
                                               Length(max=20, message="Högst 20 tecken.")])
    kind = Choice("Hur hänger de ihop?", [required("Välj hur ärendena hänger ihop.")],
                  choices=[("", "Välj …"), *LinkKind.choices()])


class MessageForm(AppForm):
    body = long_text("Meddelande", "Skriv ett meddelande.")


ACTION_FORMS = {
    "acknowledge": NoteForm, "ask": NoteForm, "reply": NoteForm,
    "forward": ForwardForm, "redirect": RedirectForm, "answer": AnswerForm,
    "accept": NoteForm, "dispute": ReasonForm, "withdraw": ReasonForm, "disagree": ReasonForm,
    "reclassify": ReclassifyForm, "escalate": ReasonForm, "direct_contact": DirectContactForm,
    "acknowledge_complaint": ComplaintDateForm, "reply_to_complainant": ComplaintDateForm,
    "share_identity": ShareIdentityForm, "unshare_identity": NoteForm, "protect_identity": NoteForm,
    "assign": AssignForm,
    "merge": MergeForm,
}
