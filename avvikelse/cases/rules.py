"""The domain rules a request must pass before anything is written.

Each refusal says which rule blocks it, in Swedish, by the field it concerns.
"""
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select

from avvikelse import agreements
from avvikelse.accounts.models import CASE_WORKERS, OVERSEERS, User
from avvikelse.accounts.services import user_by_username
from avvikelse.cases import categories, filing_lookups, legal_bases, links, owners, patient
from avvikelse.cases.enums import OPEN_STATUSES, Activity, Complainant, Confirmed, Kind, Status
from avvikelse.cases.inputs import ActionInput, CaseInput
from avvikelse.cases.models import Case
from avvikelse.cases.policy import can_act, can_view, sides
from avvikelse.cases.transitions import IDENTITY_ACTIONS, Action, Side, Transition
from avvikelse.core import workdays
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import TransitionRefused, ValidationFailed
from avvikelse.core.fields import CHOICE_MESSAGE
from avvikelse.directory.models import Organisation, OrgKind, Unit, acting_kind
from avvikelse.directory.services import organisation_by_code, runs_here, unit_by_code
from avvikelse.extensions import db

SIDE_NAMES = {
    Side.SENDER: "avsändaren",
    Side.RECEIVER: "mottagande organisations handläggare",
    Side.SYSTEM: "systemet",
    Side.FORUM: "samverkansforumet",
}


def refuse_unless(ok: bool, message: str) -> None:
    if not ok:
        raise TransitionRefused(message)


class Parties(NamedTuple):
    receiver: Organisation
    receiver_unit: Unit | None
    sender_unit: Unit
    #: the agreement's rules for this filing (agreements.rules_at)
    rules: agreements.Rules


def check_parties(reporter: User, data: CaseInput, now: datetime, *, any_own_unit: bool = False):
    """Receiver, receiving unit and sending unit, resolved; or every broken rule at once.
    With `any_own_unit` the sender may be any unit of the reporter's organisation, as for
    an intake (an import names the units its rows came from)."""
    parties = check_filing(reporter, data, now, any_own_unit=any_own_unit)
    return parties.receiver, parties.receiver_unit, parties.sender_unit


def check_filing(reporter: User, data: CaseInput, now: datetime, *, any_own_unit: bool = False) -> Parties:
    """check_parties, with the agreement's rules the filing falls under."""
    errors: dict[str, list[str]] = {}
    lookups = filing_lookups.Lookups()
    receiver = lookups.organisation(data.receiver_organisation)
    if receiver is None or not receiver.active:
        errors["receiver_organisation"] = ["Välj en mottagande organisation ur listan."]
    elif receiver.id == reporter.organisation_id:
        errors["receiver_organisation"] = [
            "Mottagaren måste vara en annan organisation än din egen."
        ]
    elif receiver.county_code != reporter.organisation.county_code and not runs_here(receiver):
        errors["receiver_organisation"] = [
            f"{receiver.name} tar inte emot ärenden i det här systemet: dess län är inte anslutet."
        ]
    # The agreement the filing falls under: the sender's county's, as of the filing.
    other = None if "receiver_organisation" in errors else receiver
    rules, in_version = lookups.rules_and_category_at(now, reporter.organisation, other, data.category)
    if other is not None and not rules.allows(reporter.organisation, other):
        errors["receiver_organisation"] = [pair_refusal(rules, reporter.organisation, other)]
    if not (in_version if in_version is not None else categories.accepts(None, data.category)):
        errors["category"] = [_category_refusal(rules)]
    receiver_unit = None
    if data.receiver_unit:
        receiver_unit = unit_by_code(data.receiver_unit)
        if receiver_unit is None or (receiver and receiver_unit.organisation_id != receiver.id):
            errors["receiver_unit"] = ["Enheten hör inte till den mottagande organisationen."]
    units = [] if any_own_unit else lookups.units_of(reporter)
    sender_unit = _sender_unit(reporter.organisation_id, units, data.sender_unit, errors, lookups.attach)
    if data.occurred_at > now:
        errors["occurred_at"] = ["Händelsen kan inte ha inträffat i framtiden."]
    if data.discovered_at and data.discovered_at > now:
        errors["discovered_at"] = ["Upptäcktsdatumet kan inte ligga i framtiden."]
    if data.discovered_at and data.discovered_at < data.occurred_at:
        errors["discovered_at"] = ["Händelsen kan inte ha upptäckts innan den inträffade."]
    errors.update(_activity_errors(data.activity, receiver if receiver and receiver.active else None))
    if data.kind == Kind.COMPLAINT and not data.complainant:
        errors["complainant"] = ["Ange vem som har framfört klagomålet."]
    elif data.complainant and data.complainant not in {c.value for c in Complainant}:
        errors["complainant"] = [CHOICE_MESSAGE]
    if data.patient_shared_basis:
        errors.update(_basis_errors(data.patient_shared_basis, data.patient_shared_note,
                                    data.patient_protected, "patient_shared_basis",
                                    "patient_shared_note"))
        if not errors.get("patient_shared_basis") and not (
                data.patient_id or data.patient_reserve_id or data.complainant_contact):
            errors["patient_shared_basis"] = ["Ange patientens personnummer för att kunna dela det."]
    if errors:
        raise ValidationFailed(errors)
    return Parties(receiver, receiver_unit, sender_unit, rules)


def _agreement_words(rules) -> str:
    version = rules.version
    return f"{version.agreement.short_name} (version {version.name})" if version is not None else ""


def pair_refusal(rules, sender, receiver) -> str:
    """Why the sender may not file to the receiver, naming the agreement that says so."""
    if acting_kind(sender, receiver) == acting_kind(receiver, sender) == OrgKind.KOMMUN:
        where = (f"Enligt {_agreement_words(rules)} rapporteras avvikelser" if rules.version is not None
                 else "Avvikelser rapporteras")
        return (f"{where} mellan region och kommun: en kommun kan inte skicka ärenden till en annan "
                f"kommun ({receiver.name}). Välj regionen som mottagare.")
    return "Avvikelser rapporteras mellan region och kommun: välj en kommun som mottagare."


def _category_refusal(rules) -> str:
    if rules.version is not None:
        return f"Kategorin finns inte i {_agreement_words(rules)}. Välj en kategori ur listan."
    return "Välj en kategori ur listan."


def _basis_errors(code, note, protected: bool, field: str, note_field: str) -> dict:
    """A legal basis for sharing the identity: from the list, with the words it asks for,
    and never for a patient with protected personal data."""
    if protected:
        return {field: [PROTECTED]}
    basis = legal_bases.by_code(code)
    if basis is None:
        return {field: [CHOICE_MESSAGE]}
    if basis.note_required and not note:
        return {note_field: ["Ange vilken bestämmelse det gäller eller hur samtycket gavs."]}
    return {}


PROTECTED = "Patienten har skyddade personuppgifter: identiteten delas aldrig med mottagaren."


def identity_refusal(action: Action, case: Case) -> str | None:
    """Why an identity action does not apply to the case now, or None when it does."""
    if action is Action.SHARE_IDENTITY:
        if not (case.patient_id_encrypted or case.complainant_contact_encrypted):
            return "Ärendet har ingen patientidentitet att dela."
        if case.patient_protected:
            return PROTECTED
        if patient.is_shared_with_receiver(case):
            return "Identiteten delas redan med mottagaren."
    elif action is Action.UNSHARE_IDENTITY and not patient.is_shared_with_receiver(case):
        return "Identiteten delas inte med mottagaren."
    elif action is Action.PROTECT_IDENTITY:
        if not case.patient_id_encrypted:
            return "Ärendet har ingen patientidentitet."
        if case.patient_protected:
            return "Patienten är redan markerad med skyddade personuppgifter."
    return None


def _share_rules(user, case, data):
    return _basis_errors(data.basis, data.note, False, "basis", "note")


OWN_UNIT = "Välj en av dina egna enheter som avsändare."


def _sender_unit(organisation_id: int, units: list, code: str | None, errors: dict, attach):
    """One of the reporter's units (kept snapshots, the one chosen attached); a reporter
    without units (an intake) may name any unit of their organisation."""
    if code and units:
        unit = next((u for u in units if u.code == code), None)
        if unit is None:
            errors["sender_unit"] = [OWN_UNIT]
        return attach(unit)
    if code:
        unit = unit_by_code(code)
        if unit is None or unit.organisation_id != organisation_id:
            errors["sender_unit"] = [OWN_UNIT]
        return unit
    if len(units) == 1:
        return attach(units[0])
    errors["sender_unit"] = ["Välj vilken av dina enheter du rapporterar från."]
    return None


def check_action(user: User | None, case: Case, transition: Transition, data: ActionInput) -> None:
    label = str(transition.label).lower()
    if Side.SYSTEM not in transition.by:
        who = " eller ".join(SIDE_NAMES[s] for s in sorted(transition.by))
        refuse_unless(user is not None and can_act(user, case, transition), f"Bara {who} kan {label}.")
    refuse_unless(
        case.status in transition.sources,
        f"Det går inte att {label} när ärendet har status ”{case.status.label}”. "
        f"Det går bara från: {', '.join(sorted(s.label for s in transition.sources))}.",
    )
    refusal = action_refusal(transition.action, user, case)
    refuse_unless(refusal is None, refusal or "")
    errors = _PAYLOAD_RULES.get(transition.action, _no_rules)(user, case, data)
    if errors:
        raise ValidationFailed(errors)


def action_refusal(action: Action, user: User | None, case: Case) -> str | None:
    """Why an action the table allows from this status does not apply to this case (or
    this user) now; None when it does. The pages and the API offer only what applies."""
    if action is Action.DISPUTE and case.disputed_once:
        return "Svaret har redan bestridits en gång. Godta det andra svaret eller ta ärendet till samverkansforumet."
    if action is Action.DISAGREE and not case.disputed_once:
        return "Bestrid först svaret; först efter det andra svaret går ärendet till samverkansforumet."
    if action in (Action.ACKNOWLEDGE_COMPLAINT, Action.REPLY_TO_COMPLAINANT):
        if case.kind != Kind.COMPLAINT:
            return "Ärendet är inget klagomål."
        done = case.complaint_acknowledged_on if action is Action.ACKNOWLEDGE_COMPLAINT \
            else case.complainant_replied_on
        if done is not None:
            return "Det är redan registrerat."
    if action is Action.ESCALATE and user is not None:
        mine = sides(user, case)
        if not (Side.RECEIVER in mine and user.has_role(*CASE_WORKERS)) \
                and not (Side.SENDER in mine and user.has_role(*OVERSEERS)):
            return ("Ärendet eskaleras av mottagarens handläggare, eller av avsändarens "
                    "MAS, SAS eller chefsläkare för den egna verksamheten.")
    if action in IDENTITY_ACTIONS:
        return identity_refusal(action, case)
    if action is Action.MERGE and not any(o.status in OPEN_STATUSES for o in links.duplicate_of(case)):
        return "Ärendet är inte länkat som dubblett till något öppet ärende. Länka dubbletterna först."
    return None


def _no_rules(user, case, data):
    return {}


def _need_note(message: str, field: str = "note"):
    def rule(user, case, data):
        return {} if data.note else {field: [message]}

    return rule


def _assign_rules(user, case, data):
    if not data.owner:
        return {"owner": ["Välj vem som ska ansvara för ärendet."]}
    owner = user_by_username(data.owner)
    if owner is None or not owners.may_own(owner, case):
        return {"owner": ["Välj en handläggare hos mottagaren som arbetar med ärendets enhet."]}
    if owner.id == case.owner_id:
        return {"owner": [f"Ärendet är redan tilldelat {owners.name(owner)}."]}
    data.resolved_owner = owner
    return {}


def _forward_rules(user, case, data):
    unit = unit_by_code(data.unit) if data.unit else None
    if unit is None or unit.organisation_id != case.receiver_organisation_id:
        return {"unit": ["Välj en enhet i din egen organisation."]}
    if unit.id == case.receiver_unit_id:
        return {"unit": ["Ärendet ligger redan hos den enheten."]}
    data.resolved_unit = unit
    return {}


def _redirect_rules(user, case, data):
    errors = _need_note("Skriv varför ärendet ska till en annan organisation.", "reason")(user, case, data)
    org = organisation_by_code(data.organisation) if data.organisation else None
    if org is None or not org.active:
        errors["organisation"] = ["Välj den organisation som ärendet gäller."]
    elif org.id == case.sender_organisation_id:
        errors["organisation"] = ["Ärendet kan inte skickas tillbaka till avsändarens organisation."]
    elif org.id == case.receiver_organisation_id:
        errors["organisation"] = ["Välj en annan organisation än din egen."]
    data.resolved_organisation = org
    return errors


def _answer_rules(user, case, data):
    errors: dict[str, list[str]] = {}
    if data.confirmed not in {c.value for c in Confirmed}:
        errors["confirmed"] = ["Ange om ni bekräftar avvikelsen: ja, delvis eller nej."]
    if not data.analysis:
        errors["analysis"] = ["Beskriv orsaksanalysen."]
    if data.confirmed in (Confirmed.YES, Confirmed.PARTLY) and not data.measures:
        errors["measures"] = ["Ange minst en åtgärd med ansvarig och datum."]
    if case.consequence >= 2 and data.patient_informed is None:
        errors["patient_informed"] = [
            "Ange om patienten har informerats (krävs när konsekvensen är måttlig eller större)."
        ]
    return errors


def _reclassify_rules(user, case, data):
    errors = _need_note("Skriv varför ärendet klassificeras om.", "reason")(user, case, data)
    # A case is classified within its own agreement version's categories.
    if data.category is not None and not categories.accepts(case.agreement_version, data.category):
        errors["category"] = [CHOICE_MESSAGE]
    if data.activity is not None:
        errors.update(_activity_errors(data.activity, case.receiver_organisation))
    changed = [(data.consequence, case.consequence), (data.probability, case.probability),
               (data.category, case.category), (data.activity, case.activity)]
    if not errors and all(new is None or new == old for new, old in changed):
        errors["reason"] = ["Ändra minst en av konsekvens, sannolikhet, kategori och verksamhet."]
    return errors


def _activity_errors(activity, receiver) -> dict:
    if activity not in {a.value for a in Activity}:
        return {"activity": [CHOICE_MESSAGE]}
    if activity == Activity.SOCIAL_CARE and receiver is not None and not receiver.has_duty(OrgKind.KOMMUN):
        return {"activity": ["Socialtjänst (SoL/LSS) bedrivs av kommunen: välj hälso- och sjukvård "
                             "när mottagaren är regionen."]}
    return {}


def _direct_contact_rules(user, case, data):
    errors = {}
    if not data.with_whom:
        errors["with"] = ["Ange vem du talade med, t.ex. ”MAS i Krokom”."]
    if data.at is None:
        errors["at"] = ["Ange när kontakten togs."]
    elif data.at > now_utc():
        errors["at"] = ["Kontakten kan inte ha tagits i framtiden."]
    elif data.at < case.occurred_at:
        errors["at"] = ["Kontakten kan inte ha tagits innan händelsen inträffade."]
    return errors


def _complaint_date_rules(user, case, data):
    if data.on is None:
        return {"on": ["Ange datum."]}
    if data.on > workdays.local_date(now_utc()):
        return {"on": ["Datumet kan inte ligga i framtiden."]}
    if data.on < workdays.local_date(case.reported_at):
        return {"on": ["Datumet kan inte ligga före ärendets registrering."]}
    return {}


def _merge_rules(user, case, data):
    """Into an open case between the same two organisations, linked as its duplicate, that
    the user receives too."""
    into = db.session.scalar(select(Case).where(Case.reference == data.into)) if data.into else None
    if into is None or not can_view(user, into):
        return {"into": [links.NOT_VISIBLE]}
    if into.id == case.id:
        return {"into": ["Ett ärende kan inte slås samman med sig självt."]}
    if into not in links.duplicate_of(case):
        return {"into": ["Ärendena är inte länkade som dubbletter. Länka dem först."]}
    if Side.RECEIVER not in sides(user, into):
        return {"into": ["Bara mottagarens handläggare kan slå samman ärenden."]}
    if into.status not in OPEN_STATUSES:
        return {"into": [f"Ärendet har status ”{Status(into.status).label}” och kan inte ta emot en dubblett."]}
    data.resolved_case = into
    return {}


_PAYLOAD_RULES = {
    Action.ASK: _need_note("Skriv vad du behöver veta."),
    Action.REPLY: _need_note("Skriv din komplettering."),
    Action.FORWARD: _forward_rules,
    Action.ASSIGN: _assign_rules,
    Action.REDIRECT: _redirect_rules,
    Action.ANSWER: _answer_rules,
    Action.DISPUTE: _need_note("Skriv varför du inte godtar svaret.", "reason"),
    Action.DISAGREE: _need_note("Skriv varför ni inte godtar det andra svaret. Texten går till "
                                "samverkansforumet.", "reason"),
    Action.RECLASSIFY: _reclassify_rules,
    Action.ESCALATE: _need_note("Skriv varför ärendet eskaleras.", "reason"),
    Action.DIRECT_CONTACT: _direct_contact_rules,
    Action.ACKNOWLEDGE_COMPLAINT: _complaint_date_rules,
    Action.REPLY_TO_COMPLAINANT: _complaint_date_rules,
    Action.WITHDRAW: _need_note("Skriv varför ärendet återkallas.", "reason"),
    Action.SHARE_IDENTITY: _share_rules,
    Action.MERGE: _merge_rules,
}
