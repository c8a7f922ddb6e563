"""What the learning domain does when the outbox hands it an event (avvikelse/events.py):
an escalation's "investigation started" step opens an investigation; a learning clock
step reminds or escalates; people are told of an investigation's changes. Each is
idempotent per event and checks that what it is about still holds."""
from sqlalchemy import select

from avvikelse.accounts import absence
from avvikelse.accounts.models import OVERSEERS, ROLE_NAMES, User, UserRole
from avvikelse.cases.changes import changed_at
from avvikelse.cases.models import Measure
from avvikelse.cases.oversight import overseer_role
from avvikelse.cases.queries import by_reference
from avvikelse.escalation.models import Step
from avvikelse.escalation.services import for_case, overseers
from avvikelse.extensions import db
from avvikelse.learning import clocks, investigations
from avvikelse.learning.changes import record_investigation_change, record_measure_change
from avvikelse.learning.measures import OPEN
from avvikelse.learning.models import Investigation, LearningClockStep
from avvikelse.learning.policy import side_organisations
from avvikelse.notifications.services import tell


def open_from_decision(payload: dict, key: str) -> None:
    """A decision step "utreds" (an internal investigation, or Lex Maria / Lex Sarah under
    investigation) opens a händelseanalys of the case, led by whoever recorded the step."""
    case = by_reference(payload["reference"])
    if case is None:
        return
    for esc in for_case(case):
        step = esc.latest_step
        if step is None or step.step is not Step.INVESTIGATING or step.by is None or esc.concluded_at:
            continue
        inv = investigations.open_from_step(step.by, case, step, changed_at(payload))
        if inv is not None:
            tell(key, case, [step.by], f"Händelseanalys (utredning {inv.id}) öppnad: namnge deltagare",
                 link=f"/utredningar/{inv.id}")


def _link(inv: Investigation) -> str:
    return f"/utredningar/{inv.id}"


def tell_participants(payload: dict, key: str) -> None:
    """Participants hear that they were named, that a report waits for approval, or that
    the lead sent it back or approved it."""
    inv = db.session.get(Investigation, payload["investigation_id"])
    if inv is None:
        return
    actor_id = payload.get("actor_id")
    action = payload["action"]
    people = [p.user for p in inv.participants if p.user_id != actor_id]
    texts = {
        "opened": "Du är deltagare i en händelseanalys",
        "participants_added": "Du är deltagare i en händelseanalys",
        "submitted": "Händelseanalysen väntar på ditt godkännande",
        "sent_back": "Händelseanalysen har skickats tillbaka för ändringar",
        "approved": "Händelseanalysens slutrapport är godkänd",
        "joint": "Händelseanalysen är gemensam: namnge era deltagare",
    }
    if action not in texts:
        return
    if action == "submitted":
        people = [inv.lead] if inv.lead_id != actor_id else []
    elif action == "participants_added":
        people = [p.user for p in inv.participants if p.added_by_id == actor_id and p.user_id != actor_id]
    elif action == "joint":
        people = [u for org in side_organisations(inv) if org != inv.lead_organisation_id
                  for u in organisation_overseers(org, deputies=False)]
    tell(key, inv.cases[0], people, f"{texts[action]} (utredning {inv.id})", link=_link(inv))


def organisation_overseers(organisation_id: int, *, deputies: bool) -> list[User]:
    """The organisation's MAS, SAS and chefsläkare, told as escalations tell them
    (accounts/absence.told_of)."""
    users = list(db.session.scalars(
        select(User).join(UserRole).where(User.organisation_id == organisation_id, User.active,
                                          UserRole.role.in_(OVERSEERS)).order_by(User.id)).unique())
    return absence.told_of(users, deputies=deputies)


def clock_step(payload: dict, key: str) -> None:
    step = db.session.get(LearningClockStep, payload["step_id"])
    if step is None:
        return
    if step.subject == clocks.INVESTIGATION:
        _investigation_step(key, step)
    else:
        _measure_step(key, step)


def _investigation_step(key: str, step: LearningClockStep) -> None:
    inv = db.session.get(Investigation, step.subject_id)
    if inv is None or not inv.running or inv.due_on != step.due_on:
        return  # ended or given a new deadline since the pass
    due = inv.due_on.isoformat()
    people = [p.user for p in inv.participants]
    if step.step == clocks.REMINDER_BEFORE:
        tell(key, inv.cases[0], people, f"Påminnelse: händelseanalysen (utredning {inv.id}) ska vara klar "
                                        f"senast {due}", link=_link(inv))
    elif step.step == clocks.REMINDER_DUE:
        tell(key, inv.cases[0], people, f"Påminnelse: händelseanalysen (utredning {inv.id}) ska vara klar "
                                        f"i dag, {due}", link=_link(inv))
    else:
        bosses = organisation_overseers(inv.lead_organisation_id, deputies=True)
        tell(key, inv.cases[0], [*bosses, inv.lead], f"Händelseanalysen (utredning {inv.id}) är försenad sedan "
                                                    f"{due}", link=_link(inv))
        record_investigation_change(inv, "overdue", None, step.at, note=f"Försenad: skulle vara klar {due}.")


def _measure_step(key: str, step: LearningClockStep) -> None:
    measure = db.session.get(Measure, step.subject_id)
    if measure is None or measure.status not in OPEN or measure.due_on != step.due_on:
        return
    due = measure.due_on.isoformat()
    link = f"/atgarder/{measure.id}"
    org = measure.owner_organisation
    role = overseer_role(org, measure.case.activity)
    if step.step in (clocks.REMINDER_BEFORE, clocks.REMINDER_DUE):
        when = f"senast {due}" if step.step == clocks.REMINDER_BEFORE else f"i dag, {due}"
        tell(key, measure.case, _reminded(measure, role), f"Påminnelse: en åtgärd ska vara klar {when}", link=link)
        return
    people = overseers(org.id, role, deputies=False)
    if measure.owner_user is not None:
        people.append(measure.owner_user)
    tell(key, measure.case, people, f"En åtgärd är försenad sedan {due} och har eskalerats", link=link)
    record_measure_change(measure, "overdue", None, step.at, before=measure.status,
                          note=f"Försenad: skulle vara klar {due}. Eskalerad till {ROLE_NAMES[role]} "
                               f"i {org.name}.")


def _reminded(measure: Measure, role) -> list[User]:
    """The account named for the reminders; else whoever created the measure, if they are
    of the owner organisation; else its overseers."""
    if measure.owner_user is not None and measure.owner_user.active:
        return [measure.owner_user]
    creator = measure.created_by
    if creator is not None and creator.active and creator.organisation_id == measure.owner_organisation_id:
        return [creator]
    return overseers(measure.owner_organisation_id, role, deputies=False)

