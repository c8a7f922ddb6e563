"""One recent case for each path a case can take, so each page has something to show."""
import random
from datetime import datetime, timedelta

from avvikelse.accounts.models import User
from avvikelse.cases.inputs import ActionInput, CaseInput
from avvikelse.cases.services import file_case, perform
from avvikelse.cases.transitions import Action
from avvikelse.demo.history import answer
from avvikelse.escalation import services as escalations
from avvikelse.escalation.decisions import DecisionInput, decide
from avvikelse.escalation.models import Escalation, Trigger
from avvikelse.forum.disputes import settle
from avvikelse.routing.services import route_case


def tell_stories(people: dict[str, User], now: datetime) -> int:
    rnd = random.Random(8)
    p = people
    days = lambda n: now - timedelta(days=n)  # noqa: E731

    def filed(reporter, at, **fields) -> object:
        data = CaseInput(**{
            "kind": "deviation", "receiver_organisation": "23", "category": "discharge",
            "occurred_at": at - timedelta(hours=3), "consequence": 2, "probability": 2,
            "description": "Utskrivningsmeddelandet kom först efter att patienten kommit hem.",
            "immediate_action": "Ringde avdelningen.", **fields})
        case = file_case(reporter, data, at)
        route_case(case.reference, at + timedelta(minutes=5))
        return case

    def act(user, case, action, when, **payload):
        perform(user, case, action, answer(rnd, when) if action is Action.ANSWER else ActionInput(**payload),
                when)

    # A dispute the forum settled: answered twice, the sender disagreed, the forum concluded.
    settled = filed(p["rapportor.krokom"], days(40), category="medication")
    act(p["handlaggare.region"], settled, Action.ACKNOWLEDGE, days(39))
    act(p["handlaggare.region"], settled, Action.ANSWER, days(33))
    act(p["rapportor.krokom"], settled, Action.DISPUTE, days(32), note="Läkemedelslistan saknades fortfarande.")
    act(p["handlaggare.region"], settled, Action.ANSWER, days(25))
    act(p["rapportor.krokom"], settled, Action.DISAGREE, days(24), note="Rutinen följs inte på avdelningen.")
    settle(p["forum"], settled, "Regionen och Krokom gör en gemensam genomgång av rutinen.", days(10))

    # A dispute waiting for the forum's next meeting.
    waiting = filed(p["rapportor.ostersund"], days(30), category="sip")
    act(p["handlaggare.region"], waiting, Action.ACKNOWLEDGE, days(29))
    act(p["handlaggare.region"], waiting, Action.ANSWER, days(22))
    act(p["rapportor.ostersund"], waiting, Action.DISPUTE, days(21), note="Kommunen bjöds inte in.")
    act(p["handlaggare.region"], waiting, Action.ANSWER, days(15))
    act(p["rapportor.ostersund"], waiting, Action.DISAGREE, days(14), note="Vi ser olika på ansvaret.")

    # A serious case: the filer called the chefsläkare at once; Lex Maria, reported to IVO,
    # whose diarienummer arrived two weeks later; the investigation goes on.
    serious = filed(p["rapportor.krokom"], days(28), category="medication", consequence=4, probability=3)
    act(p["rapportor.krokom"], serious, Action.DIRECT_CONTACT, days(28) + timedelta(minutes=20),
        with_whom="Tjänstgörande chefsläkare", at=days(28) + timedelta(minutes=15))
    region = _escalation(serious, "23", days(28))
    escalations.acknowledge(p["chefslakare"], region, days(28) + timedelta(hours=2))
    decide(p["chefslakare"], region, DecisionInput("lex_maria", step="investigating"), days(27))
    decide(p["chefslakare"], region, DecisionInput("lex_maria", (days(20)).date(), step="reported"), days(20))
    decide(p["chefslakare"], region, DecisionInput("lex_maria", ivo_reference="3.5.1-04711/2026",
                                                   step="reported"), days(6))

    # Social services: the region reports about Åre's hemtjänst; Åre's SAS investigates under Lex Sarah.
    social = filed(p["rapportor.region"], days(18), receiver_organisation="2321", activity="social_care",
                   category="responsibility", consequence=3, probability=3)
    are = _escalation(social, "2321", days(18))
    escalations.acknowledge(p["sas.are"], are, days(17))
    decide(p["sas.are"], are, DecisionInput("lex_sarah", step="investigating"), days(16))

    # Answered, and the sender never reacted: closed by itself.
    quiet = filed(p["rapportor.berg"], days(45), category="equipment")
    act(p["handlaggare.region"], quiet, Action.ACKNOWLEDGE, days(44))
    act(p["handlaggare.region"], quiet, Action.ANSWER, days(36))
    perform(None, quiet, Action.CLOSE_WITHOUT_REACTION,
            ActionInput(note="Ingen reaktion från avsändaren inom 14 dagar."), days(22))

    # A relative's complaint passed on to Strömsund, acknowledged and answered.
    complaint = filed(p["rapportor.region"], days(26), kind="complaint", complainant="relative",
                      receiver_organisation="2313", category="conduct")
    act(p["handlaggare.stromsund"], complaint, Action.ACKNOWLEDGE_COMPLAINT, days(25), on=days(25).date())
    act(p["handlaggare.stromsund"], complaint, Action.REPLY_TO_COMPLAINANT, days(12), on=days(12).date())

    # Waiting for the sender's information.
    asked = filed(p["rapportor.ragunda"], days(9), category="physician")
    act(p["handlaggare.region"], asked, Action.ASK, days(8), note="Vilken dag och tid sökte ni läkaren?")
    return 7


def _escalation(case, org_code: str, at: datetime) -> Escalation:
    """What routing a serious case sets off (the seed runs no workers): its escalation."""
    org = case.receiver_organisation if case.receiver_organisation.code == org_code else case.sender_organisation
    return escalations.open_escalation(case, org, Trigger.SERIOUS, at)[0]


def give_owners(people: dict[str, User], now: datetime) -> None:
    """Every open case has someone on it: cases nobody acknowledged yet are taken by the
    receiving intake's handler (those acknowledged are their acknowledger's already)."""
    from sqlalchemy import select

    from avvikelse.cases.enums import OPEN_STATUSES, Status
    from avvikelse.cases.models import Case
    from avvikelse.demo.people import SLUGS
    from avvikelse.extensions import db

    handlers = {code: people[f"handlaggare.{slug}"] for code, slug in SLUGS.items()}
    handlers["23"] = people["handlaggare.region"]
    waiting = db.session.scalars(select(Case).where(
        Case.owner_id.is_(None), Case.status.in_(OPEN_STATUSES - {Status.SUBMITTED, Status.REDIRECTED})))
    for case in list(waiting):
        handler = handlers.get(case.receiver_organisation.code)
        if handler is not None:
            perform(handler, case, Action.ASSIGN, ActionInput(owner=handler.username),
                    max(now - timedelta(hours=1), case.reported_at))
