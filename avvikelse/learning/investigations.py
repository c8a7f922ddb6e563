"""Joint investigations (samordnad händelseanalys): opening, participants, the parts of
the händelseanalys, and how it ends.

An investigation is opened by an escalation's decision step "investigation started"
(handlers.open_from_decision) or by a MAS, SAS or chefsläkare directly, over cases their
organisation sends or receives. Its lead (the opener) approves the final report. Joint,
each side's overseers name participants of their own organisation. Its parts follow the
händelseanalys method of SKR and Socialstyrelsen: a timeline, contributing factors by
area (each tied to the agreement clause it touches, of the version a covered case was
filed under), root causes, a conclusion. The draft is handed to the lead (submit), who
approves it or sends it back; the lead may also close it without a report, with a
reason. Its deadline is INVESTIGATION_DUE_WEEKS after opening (clocks.py).

Each change goes through changes.record_investigation_change; the covered cases'
histories say when one opens and ends.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, exists, or_, select

from avvikelse.accounts.models import OVERSEERS, User
from avvikelse.agreements.models import AgreementClause
from avvikelse.audit.services import log_access
from avvikelse.cases.changes import record_change
from avvikelse.cases.models import Case
from avvikelse.cases.policy import can_view as can_view_case
from avvikelse.core import personnummer, workdays
from avvikelse.core.errors import Forbidden, NotFound, TransitionRefused, ValidationFailed
from avvikelse.core.text import TextError, clean_text
from avvikelse.extensions import db
from avvikelse.learning import policy
from avvikelse.learning.changes import record_investigation_change
from avvikelse.learning.enums import RUNNING, FactorArea
from avvikelse.learning.enums import InvestigationStatus as IS
from avvikelse.learning.models import (ContributingFactor, Investigation, Participant, RootCause,
                                       TimelineEntry, investigation_cases)

NOT_FOUND = "Utredningen finns inte eller så saknar du behörighet att se den."
MAX_CASES = 50
MAX_NAMES = 50
TEXT_MAX = 10_000
#: the parts a participant adds and removes (the conclusion is one text, set)
PARTS = {"timeline": TimelineEntry, "factor": ContributingFactor, "root_cause": RootCause}


@dataclass
class OpenInput:
    cases: list[str]
    joint: bool = False
    participants: list[str] = field(default_factory=list)
    title: str = ""


# -- reading -------------------------------------------------------------------------------

def get_for(user: User, investigation_id: int, *, action: str = "read") -> Investigation:
    """The investigation if the user may see it, each covered case logged as read through
    it; else NotFound, logged as denied (kept past the 404)."""
    inv = db.session.get(Investigation, investigation_id) if 0 < investigation_id < 2**31 else None
    if inv is None or not policy.can_view(user, inv):
        log_access(user, "denied", target=f"utredning {investigation_id}")
        db.session.commit()
        raise NotFound(NOT_FOUND)
    for case in inv.cases:
        log_access(user, action, case=case, identified=False, via_investigation_id=inv.id)
    return inv


def visible_to(user: User, status: str | None = None) -> list[Investigation]:
    """The investigations the user takes part in, and, for an overseer, those of their
    organisation's sides; running ones first, newest first."""
    mine = exists().where(Participant.investigation_id == Investigation.id, Participant.user_id == user.id)
    clause = mine
    if user.has_role(*OVERSEERS):
        org = user.organisation_id
        party = exists().where(
            investigation_cases.c.investigation_id == Investigation.id,
            investigation_cases.c.case_id == Case.id,
            or_(Case.sender_organisation_id == org, Case.receiver_organisation_id == org))
        clause = or_(mine, Investigation.lead_organisation_id == org, and_(Investigation.joint, party))
    stmt = select(Investigation).where(clause)
    if status == "running":
        stmt = stmt.where(Investigation.status.in_(RUNNING))
    elif status == "finished":
        stmt = stmt.where(Investigation.status.not_in(RUNNING))
    return list(db.session.scalars(stmt.order_by(Investigation.opened_at.desc(), Investigation.id.desc())
                                   .limit(200)))


def of_case(case: Case) -> list[Investigation]:
    return list(db.session.scalars(
        select(Investigation).join(investigation_cases, investigation_cases.c.investigation_id == Investigation.id)
        .where(investigation_cases.c.case_id == case.id).order_by(Investigation.id)))


def clauses_for(inv: Investigation) -> list[AgreementClause]:
    """The clauses of the agreement versions the covered cases were filed under."""
    versions = {c.agreement_version_id for c in inv.cases if c.agreement_version_id is not None}
    if not versions:
        return []
    rows = db.session.scalars(select(AgreementClause).where(AgreementClause.version_id.in_(versions))
                              .order_by(AgreementClause.version_id, AgreementClause.position))
    seen, found = set(), []
    for clause in rows:
        if clause.code not in seen:
            seen.add(clause.code)
            found.append(clause)
    return found


# -- opening ------------------------------------------------------------------------------

def _text(value: str | None, name: str, *, required: str | None = None, limit: int = TEXT_MAX,
          multiline: bool = True) -> str:
    """Cleaned text without a personnummer, or ValidationFailed by the field's name."""
    try:
        value = clean_text(value or "", multiline=multiline).strip()
    except TextError as exc:
        raise ValidationFailed({name: [exc.message]}) from None
    if required and not value:
        raise ValidationFailed({name: [required]})
    if len(value) > limit:
        raise ValidationFailed({name: [f"Högst {limit} tecken."]})
    if personnummer.contains(value):
        raise ValidationFailed({name: [personnummer.FOUND_IN_TEXT]})
    return value


def _cases(user: User, references: list[str]) -> list[Case]:
    """The cases named, each one the user's organisation sends or receives and the user
    sees; every reference that is not is named in one message."""
    wanted = list(dict.fromkeys(r.strip() for r in references if isinstance(r, str) and r.strip()))
    if not wanted:
        raise ValidationFailed({"cases": ["Ange minst ett ärende som utredningen gäller."]})
    if len(wanted) > MAX_CASES:
        raise ValidationFailed({"cases": [f"Högst {MAX_CASES} ärenden."]})
    found = {c.reference: c for c in db.session.scalars(select(Case).where(Case.reference.in_(wanted)))}
    missing = [r for r in wanted if r not in found or not can_view_case(user, found[r])]
    if missing:
        for reference in missing:
            log_access(user, "denied", target=reference)
        raise ValidationFailed({"cases": [
            "Ärendena finns inte eller så saknar du behörighet att se dem: " + ", ".join(missing[:10]) + "."]})
    return [found[r] for r in wanted]


def _people(namer: User, usernames: list[str]) -> list[User]:
    """Active people of the namer's own organisation, or one message naming each problem."""
    wanted = list(dict.fromkeys(n.strip() for n in usernames if isinstance(n, str) and n.strip()))
    if len(wanted) > MAX_NAMES:
        raise ValidationFailed({"participants": [f"Högst {MAX_NAMES} deltagare åt gången."]})
    found = {u.username: u for u in db.session.scalars(select(User).where(User.username.in_(wanted)))} \
        if wanted else {}
    unknown = [n for n in wanted if n not in found]
    other = [n for n in wanted if n in found and found[n].organisation_id != namer.organisation_id]
    unfit = [n for n in wanted if n in found and n not in other
             and (not found[n].active or found[n].is_integration)]
    errors = []
    if unknown:
        errors.append("Okända användarnamn: " + ", ".join(unknown[:10]) + ".")
    if other:
        errors.append("Hör inte till er organisation: " + ", ".join(other[:10])
                      + ". Varje sida namnger deltagare ur sin egen organisation.")
    if unfit:
        errors.append("Kan inte delta (inaktivt konto eller systemkonto): " + ", ".join(unfit[:10]) + ".")
    if errors:
        raise ValidationFailed({"participants": errors})
    return [found[n] for n in wanted]


def _add_people(inv: Investigation, people: list[User], by: User | None, now: datetime) -> list[Participant]:
    present = {p.user_id for p in inv.participants}
    added = []
    for person in people:
        if person.id in present:
            continue
        row = Participant(user=person, organisation_id=person.organisation_id, added_by=by, added_at=now)
        inv.participants.append(row)
        present.add(person.id)
        added.append(row)
    return added


def open_investigation(user: User, data: OpenInput, now: datetime, *, step=None) -> Investigation:
    if not user.has_role(*OVERSEERS):
        raise Forbidden("Bara MAS, SAS och chefsläkare öppnar en händelseanalys.")
    cases = _cases(user, data.cases)
    title = _text(data.title, "title", limit=200, multiline=False)
    people = _people(user, data.participants or [])
    inv = Investigation(
        title=title, lead_organisation_id=user.organisation_id, lead=user, joint=bool(data.joint),
        status=IS.DRAFT, opened_at=now, opened_by=user, cases=cases,
        due_on=workdays.local_date(now) + timedelta(weeks=current_app.config["INVESTIGATION_DUE_WEEKS"]),
        escalation_step_id=step.id if step is not None else None)
    db.session.add(inv)
    _add_people(inv, [user, *people], user, now)
    db.session.flush()
    kind = "gemensam " if inv.joint else ""
    record_investigation_change(inv, "opened", user, now, note=f"Öppnad som {kind}händelseanalys.")
    for case in cases:
        record_change(case, "investigation_opened", user, now, announce=False,
                      note=f"Händelseanalys (utredning {inv.id}) öppnad av {user.organisation.name}.")
    db.session.flush()
    return inv


def open_from_step(user: User, case: Case, step, now: datetime) -> Investigation | None:
    """The decision step "investigation started" opens one for the case, led by whoever
    recorded it; not when the step already opened one, nor when a running investigation
    of that organisation already covers the case."""
    if db.session.scalar(select(Investigation.id).where(Investigation.escalation_step_id == step.id)):
        return None
    running = db.session.scalar(
        select(Investigation.id).join(investigation_cases, investigation_cases.c.investigation_id == Investigation.id)
        .where(investigation_cases.c.case_id == case.id, Investigation.status.in_(RUNNING),
               Investigation.lead_organisation_id == user.organisation_id).limit(1))
    if running is not None or not user.active:
        return None
    return open_investigation(user, OpenInput(cases=[case.reference]), now, step=step)


# -- participants and joint ------------------------------------------------------------------

def _running(inv: Investigation) -> None:
    if not inv.running:
        raise TransitionRefused(f"Utredningen har status ”{inv.status.label}” och kan inte ändras.")


def add_participants(user: User, inv: Investigation, usernames: list[str], now: datetime) -> list[Participant]:
    """An overseer of one of the investigation's sides names people of their own
    organisation (the other side's only once it is joint)."""
    if not policy.may_name(user, inv):
        if user.has_role(*OVERSEERS) and user.organisation_id in policy.party_organisations(inv):
            raise TransitionRefused("Utredningen är inte gemensam: bara den ledande organisationen "
                                    "namnger deltagare. Den som leder den kan göra den gemensam.")
        raise Forbidden("Bara MAS, SAS och chefsläkare i utredningens organisationer namnger deltagare, "
                        "var och en ur sin egen organisation.")
    _running(inv)
    people = _people(user, usernames)
    if not people:
        raise ValidationFailed({"participants": ["Ange minst en deltagare."]})
    added = _add_people(inv, people, user, now)
    if added:
        db.session.flush()
        names = ", ".join(p.user.full_name or p.user.username for p in added)
        record_investigation_change(inv, "participants_added", user, now,
                                    note=f"Deltagare från {user.organisation.name}: {names}.")
    return added


def make_joint(user: User, inv: Investigation, now: datetime) -> Investigation:
    _lead_only(user, inv, "göra utredningen gemensam")
    _running(inv)
    if inv.joint:
        raise TransitionRefused("Utredningen är redan gemensam.")
    if policy.party_organisations(inv) <= {inv.lead_organisation_id}:
        raise TransitionRefused("Ärendena har ingen annan organisation att utreda tillsammans med.")
    inv.joint = True
    record_investigation_change(inv, "joint", user, now,
                                note="Gemensam: den andra sidans MAS, SAS eller chefsläkare namnger deltagare.")
    return inv


def _lead_only(user: User, inv: Investigation, verb: str) -> None:
    if not policy.is_lead(user, inv):
        raise Forbidden(f"Bara den som leder utredningen ({inv.lead.full_name or inv.lead.username}) kan {verb}.")


# -- the parts -----------------------------------------------------------------------------------

def _editing(user: User, inv: Investigation) -> None:
    if not policy.is_participant(user, inv):
        raise Forbidden("Bara utredningens deltagare skriver i den.")
    _running(inv)
    if inv.status is not IS.DRAFT:
        raise TransitionRefused("Utredningen väntar på godkännande. Den som leder den kan skicka tillbaka "
                                "den för att ändra den.")


def add_timeline(user: User, inv: Investigation, happened_at: datetime | None, text: str,
                 now: datetime) -> TimelineEntry:
    _editing(user, inv)
    errors = {}
    if happened_at is None:
        errors["happened_at"] = ["Ange när det hände."]
    elif happened_at > now:
        errors["happened_at"] = ["Det kan inte ha hänt i framtiden."]
    try:
        text = _text(text, "text", required="Beskriv vad som hände.")
    except ValidationFailed as exc:
        errors |= exc.errors
    if errors:
        raise ValidationFailed(errors)
    row = TimelineEntry(happened_at=happened_at, text=text, author=user, written_at=now)
    inv.timeline.append(row)
    record_investigation_change(inv, "edited", user, now, note="Händelseförlopp: en händelse tillagd.")
    return row


def add_factor(user: User, inv: Investigation, area: str, clause: str | None, text: str,
               now: datetime) -> ContributingFactor:
    _editing(user, inv)
    errors = {}
    try:
        chosen = FactorArea(area)
    except ValueError:
        errors["area"] = ["Välj ett område ur listan."]
    offered = {c.code: c for c in clauses_for(inv)}
    found = offered.get((clause or "").strip())
    if offered and found is None:
        errors["clause"] = ["Välj den avtalspunkt faktorn berör, ur avtalet ärendena gäller."]
    try:
        text = _text(text, "text", required="Beskriv den bidragande faktorn.")
    except ValidationFailed as exc:
        errors |= exc.errors
    if errors:
        raise ValidationFailed(errors)
    row = ContributingFactor(area=chosen, clause=found, text=text, author=user, written_at=now)
    inv.factors.append(row)
    record_investigation_change(inv, "edited", user, now,
                                note=f"Bidragande faktor: {chosen.label}{f' ({found.code})' if found else ''}.")
    return row


def add_root_cause(user: User, inv: Investigation, text: str, now: datetime) -> RootCause:
    _editing(user, inv)
    row = RootCause(text=_text(text, "text", required="Beskriv grundorsaken."), author=user, written_at=now)
    inv.root_causes.append(row)
    record_investigation_change(inv, "edited", user, now, note="Grundorsak tillagd.")
    return row


def set_conclusion(user: User, inv: Investigation, text: str, now: datetime) -> Investigation:
    _editing(user, inv)
    inv.conclusion = _text(text, "conclusion", required="Skriv slutsatsen.")
    record_investigation_change(inv, "edited", user, now, note="Slutsatsen ändrad.")
    return inv


def remove_part(user: User, inv: Investigation, part: str, part_id: int, now: datetime) -> None:
    _editing(user, inv)
    model = PARTS.get(part)
    collection = {"timeline": inv.timeline, "factor": inv.factors, "root_cause": inv.root_causes}.get(part)
    row = next((r for r in collection or [] if r.id == part_id), None) if model else None
    if row is None:
        raise NotFound("Delen finns inte i utredningen.")
    collection.remove(row)
    record_investigation_change(inv, "edited", user, now, note="En del togs bort ur utkastet.")


# -- how it ends -----------------------------------------------------------------------------------

def missing_parts(inv: Investigation) -> dict[str, list[str]]:
    missing = {}
    if not inv.timeline:
        missing["timeline"] = ["Beskriv händelseförloppet (minst en händelse)."]
    if not inv.factors:
        missing["factors"] = ["Ange minst en bidragande faktor."]
    if not inv.root_causes:
        missing["root_causes"] = ["Ange minst en grundorsak."]
    if not inv.conclusion:
        missing["conclusion"] = ["Skriv slutsatsen."]
    return missing


def submit(user: User, inv: Investigation, now: datetime) -> Investigation:
    """The draft is complete: handed to the lead for approval."""
    _editing(user, inv)
    missing = missing_parts(inv)
    if missing:
        raise ValidationFailed(missing)
    inv.status, inv.submitted_at = IS.REVIEW, now
    record_investigation_change(inv, "submitted", user, now, note="Lämnad för godkännande.")
    return inv


def send_back(user: User, inv: Investigation, note: str, now: datetime) -> Investigation:
    _lead_only(user, inv, "skicka tillbaka rapporten")
    if inv.status is not IS.REVIEW:
        raise TransitionRefused("Bara en rapport som väntar på godkännande kan skickas tillbaka.")
    note = _text(note, "note", required="Skriv vad som behöver ändras.")
    inv.status = IS.DRAFT
    record_investigation_change(inv, "sent_back", user, now, note=note)
    return inv


def approve(user: User, inv: Investigation, now: datetime) -> Investigation:
    """The lead approves the final report: the investigation ends, and with it the
    participants' reads of the cases."""
    _lead_only(user, inv, "godkänna rapporten")
    if inv.status is not IS.REVIEW:
        raise TransitionRefused("Rapporten lämnas för godkännande innan den godkänns.")
    missing = missing_parts(inv)
    if missing:
        raise ValidationFailed(missing)
    inv.status, inv.finished_at, inv.approved_by = IS.APPROVED, now, user
    record_investigation_change(inv, "approved", user, now, note="Slutrapporten godkänd.")
    for case in inv.cases:
        record_change(case, "investigation_finished", user, now, announce=False,
                      note=f"Händelseanalysen (utredning {inv.id}) är klar; slutrapporten är godkänd.")
    return inv


def close(user: User, inv: Investigation, reason: str, now: datetime) -> Investigation:
    _lead_only(user, inv, "avsluta utredningen")
    _running(inv)
    reason = _text(reason, "reason", required="Skriv varför utredningen avslutas utan rapport.")
    inv.status, inv.finished_at, inv.closed_reason = IS.CLOSED, now, reason
    record_investigation_change(inv, "closed", user, now, note="Avslutad utan rapport.")
    for case in inv.cases:
        record_change(case, "investigation_finished", user, now, announce=False,
                      note=f"Händelseanalysen (utredning {inv.id}) avslutades utan rapport.")
    return inv

