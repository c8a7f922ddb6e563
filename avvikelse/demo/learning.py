"""Learning together in the demo: an investigation in each state, measures in each status,
linked cases and a merged duplicate, learning summaries approved and waiting.

Everything goes through the learning services with the time it happened, so each page
(/utredningar, /atgarder, /larande, the forum's learning tables) has something to show.
"""
import random
from datetime import datetime, timedelta

from sqlalchemy import select

from avvikelse.accounts.models import User
from avvikelse.cases import links
from avvikelse.cases.enums import Status
from avvikelse.cases.inputs import ActionInput, CaseInput
from avvikelse.cases.models import Case, Measure
from avvikelse.cases.services import file_case, perform
from avvikelse.cases.transitions import Action
from avvikelse.core import workdays
from avvikelse.directory.services import organisation_by_code
from avvikelse.escalation.models import EscalationStep, Step
from avvikelse.extensions import db
from avvikelse.learning import investigations as inv_services
from avvikelse.learning import measures, summaries
from avvikelse.learning.measures import MeasureData, MeasureUpdate
from avvikelse.routing.services import route_case


def follow_up_history(people: dict[str, User], rnd: random.Random, now: datetime) -> int:
    """The invented history's answer measures, followed up as a county would: most done
    (half of them with the effect checked), some not done, some late, the rest planned."""
    region = organisation_by_code("23").id
    handlers = {u.organisation_id: u for name, u in people.items() if name.startswith("handlaggare.")}
    rows = list(db.session.scalars(select(Measure).where(Measure.answer_id.is_not(None)).order_by(Measure.id)))
    for measure in rows:
        user = handlers.get(measure.owner_organisation_id) or handlers[region]
        due = datetime.combine(measure.due_on, datetime.min.time(), now.tzinfo)
        if due > now:
            if rnd.random() < 0.3:
                measures.update(user, measure, MeasureUpdate(status="in_progress"), now - timedelta(days=1))
            continue
        roll = rnd.random()
        when = max(due - timedelta(days=rnd.randint(1, 20)), measure.created_at + timedelta(days=1))
        if roll < 0.55:
            measures.update(user, measure, MeasureUpdate(status="done"), when)
            checked = when + timedelta(days=rnd.randint(30, 90))
            if rnd.random() < 0.5 and checked < now:
                measures.update(user, measure, MeasureUpdate(
                    effect_checked_on=workdays.local_date(checked),
                    effect="Uppföljning av tio utskrivningar: meddelandet kom i tid i alla."), checked)
        elif roll < 0.7:
            measures.update(user, measure, MeasureUpdate(
                status="not_done", note="Ersattes av en gemensam rutin för hela länet."), when)
        elif roll < 0.8:
            measures.update(user, measure, MeasureUpdate(status="in_progress"), when)
    return len(rows)


def tell_learning(people: dict[str, User], now: datetime) -> int:
    p = people
    days = lambda n: now - timedelta(days=n)  # noqa: E731
    day = lambda n: workdays.local_date(days(n))  # noqa: E731

    def filed(reporter, at, **fields) -> Case:
        data = CaseInput(**{
            "kind": "deviation", "receiver_organisation": "23", "category": "discharge",
            "occurred_at": at - timedelta(hours=3), "consequence": 2, "probability": 2,
            "description": "Utskrivningsmeddelandet kom först efter att patienten kommit hem.",
            "immediate_action": "Ringde avdelningen.", **fields})
        case = file_case(reporter, data, at)
        route_case(case.reference, at + timedelta(minutes=5))
        return case

    def parts(inv, who, at, *, conclusion=True):
        inv_services.add_timeline(who, inv, at - timedelta(days=10, hours=4),
                                  "Patienten skrevs ut från medicinavdelningen på eftermiddagen.", at)
        inv_services.add_timeline(who, inv, at - timedelta(days=9),
                                  "Hemsjukvården fick utskrivningsmeddelandet dagen efter hemkomsten.", at)
        inv_services.add_factor(who, inv, "handover", "§6.1",
                                "Meddelandet skickades först när journalen var signerad.", at)
        inv_services.add_factor(who, inv, "procedures", "LUS",
                                "Rutinen säger inte vem som bekräftar att kommunen tagit emot.", at)
        inv_services.add_root_cause(who, inv, "Ingen kvittens av att mottagaren fått utskrivningsmeddelandet.", at)
        if conclusion:
            inv_services.set_conclusion(who, inv, "Överlämningen saknar en bekräftelse från mottagaren. Båda "
                                                  "huvudmännen inför kvittens i samma dokument.", at)

    # Approved, joint, with measures in each status and a learning summary both sides approved.
    approved_case = filed(p["rapportor.krokom"], days(150))
    perform(p["handlaggare.region"], approved_case, Action.ACKNOWLEDGE, ActionInput(), days(149))
    approved = inv_services.open_investigation(p["chefslakare"], inv_services.OpenInput(
        cases=[approved_case.reference], joint=True, participants=["handlaggare.region"],
        title="Utskrivningsmeddelanden som kommer för sent"), days(148))
    inv_services.add_participants(p["mas.krokom"], approved, ["handlaggare.krokom"], days(147))
    parts(approved, p["handlaggare.region"], days(140))
    for text, owner, org, user, due, status in (
            ("Kvittens av utskrivningsmeddelandet införs i rutinen.", "Enhetschef medicinavdelningen", "23",
             "handlaggare.region", 110, "done"),
            ("Hemsjukvården bekräftar mottaget meddelande samma dag.", "Enhetschef hemsjukvården", "2309",
             "handlaggare.krokom", 100, "done"),
            ("Utbildning i den nya rutinen för nattpersonal.", "Vårdenhetschef", "23", None, 60, "not_done"),
            ("Gemensam uppföljning efter ett halvår.", "MAS", "2309", "mas.krokom", 20, "in_progress")):
        measure = measures.add_to_investigation(p["handlaggare.region"], approved, MeasureData(
            text=text, owner=owner, owner_organisation=org, owner_user=user,
            due_on=day(due), effect_due_on=day(due - 45) if due > 60 else None), days(135))
        owner_user = p[user] if user else p["handlaggare.region"]
        when = days(due + 3)
        if status == "done":
            measures.update(owner_user, measure, MeasureUpdate(status="done", patient_informed_on=day(due + 3)), when)
            if due > 105:
                measures.update(owner_user, measure, MeasureUpdate(
                    effect_checked_on=day(due - 50), effect="Inga sena meddelanden på tre månader."), days(due - 50))
        elif status == "not_done":
            measures.update(owner_user, measure, MeasureUpdate(
                status="not_done", note="Ersätts av länets gemensamma utbildning."), days(58))
        else:
            measures.update(owner_user, measure, MeasureUpdate(status="in_progress"), days(40))
    inv_services.submit(p["handlaggare.region"], approved, days(131))
    inv_services.approve(p["chefslakare"], approved, days(130))
    lesson = summaries.create(p["chefslakare"], "Ett utskrivningsmeddelande räcker inte: mottagaren ska "
                              "bekräfta det samma dag, annars ringer avdelningen.", [], days(129),
                              investigation=approved)
    summaries.approve(p["chefslakare"], lesson, days(129))
    summaries.approve(p["mas.krokom"], lesson, days(126))

    # In review and past its deadline: opened ten weeks ago, handed to the lead.
    review_case = filed(p["rapportor.ostersund"], days(75), category="medication")
    review = inv_services.open_investigation(p["chefslakare"], inv_services.OpenInput(
        cases=[review_case.reference], joint=True, participants=["handlaggare.region"],
        title="Läkemedelslistan saknades vid hemgång"), days(70))
    inv_services.add_participants(p["mas.ostersund"], review, ["handlaggare.ostersund"], days(69))
    parts(review, p["handlaggare.ostersund"], days(20))
    inv_services.submit(p["handlaggare.ostersund"], review, days(5))

    # Drafts, opened by the decision steps "utreds" of the stories (the serious case's Lex
    # Maria, the social-care case's Lex Sarah), as the escalation handler does.
    opened = [inv_services.open_from_step(step.by, step.escalation.case, step, step.at)
              for step in db.session.scalars(select(EscalationStep).where(EscalationStep.step == Step.INVESTIGATING)
                                             .order_by(EscalationStep.id)) if step.by is not None]
    opened = [inv for inv in opened if inv is not None]
    draft = next((inv for inv in opened if inv.lead_organisation.code == "23"), None)
    if draft is not None:
        inv_services.make_joint(draft.lead, draft, draft.opened_at + timedelta(hours=2))
        inv_services.add_participants(p["mas.krokom"], draft, ["handlaggare.krokom"], draft.opened_at + timedelta(days=1))
        inv_services.add_timeline(draft.lead, draft, draft.opened_at - timedelta(days=1),
                                  "Dosen ändrades vid utskrivningen utan att hemsjukvården fick veta.",
                                  draft.opened_at + timedelta(days=2))
        measures.add_to_investigation(draft.lead, draft, MeasureData(
            text="Läkemedelsgenomgång vid varje utskrivning till hemsjukvård.", owner="Chefsläkare",
            owner_organisation="23", due_on=day(-30)), draft.opened_at + timedelta(days=3))

    # Closed without a report: the event was already investigated in another.
    closed_case = filed(p["rapportor.berg"], days(60), category="equipment")
    closed = inv_services.open_investigation(p["chefslakare"], inv_services.OpenInput(
        cases=[closed_case.reference], participants=["handlaggare.region"]), days(55))
    inv_services.close(p["chefslakare"], closed, "Samma brist utreds redan i en gemensam händelseanalys.", days(41))

    # A learning summary waiting for the kommun's side.
    waiting = summaries.create(p["handlaggare.region"], "Hjälpmedel beställs innan utskrivningsdagen, inte på "
                               "den: då finns de hemma när patienten kommer.", [closed_case.reference], days(12))
    summaries.approve(p["chefslakare"], waiting, days(11))

    # The same report filed twice: linked as a duplicate, and merged by the receiver.
    first = filed(p["rapportor.stromsund"], days(6), category="physician")
    second = filed(p["rapportor.stromsund"], days(6) + timedelta(minutes=30), category="physician")
    links.link(p["handlaggare.region"], second, first.reference, "duplicate", days(5))
    perform(p["handlaggare.region"], second, Action.MERGE, ActionInput(into=first.reference), days(5))
    # The same event reported by both kommun and region units: linked, both stay.
    same = filed(p["rapportor.region"], days(6), receiver_organisation="2313", category="physician")
    links.link(p["handlaggare.region"], first, same.reference, "same_event", days(4))
    if second.status is not Status.MERGED:
        raise RuntimeError("the demo duplicate was not merged")
    return 3 + len(opened)
