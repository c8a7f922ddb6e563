"""What routing does when the outbox hands it an event (see avvikelse/events.py): route
a filed or redirected case, and tell people of changes and messages. Texts are mailed
too: no patient data in them."""
from avvikelse.cases.enums import Status
from avvikelse.cases.models import Message
from avvikelse.cases.policy import sides
from avvikelse.cases.queries import by_reference
from avvikelse.cases.transitions import Side
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.notifications.services import tell, tell_mailbox
from avvikelse.routing.services import mailbox_for, receiving_handlers, route_case

# What the receiving handlers are told, by action; other actions concern the sender only.
HANDLER_TEXTS = {
    "route": "Nytt ärende att ta emot",
    "forward": "Ärende vidarebefordrat till er enhet",
    "reply": "Avsändaren har kompletterat ärendet",
    "dispute": "Avsändaren har bestridit svaret",
    "disagree": "Avsändaren godtar inte det andra svaret: ärendet går till samverkansforumet",
    "settle": "Samverkansforumet har avgjort ärendet",
    "close_without_reaction": "Ärendet avslutades utan reaktion från avsändaren",
    "withdraw": "Avsändaren har återkallat ärendet",
}
#: what brings a case to a unit or an intake: its functional mailbox gets the mail when
#: none of the people there has an address
ROUTING_ACTIONS = ("route", "forward")


def route(payload: dict, key: str) -> None:
    """A filed or redirected case reaches its receiver (idempotent: see route_case)."""
    route_case(payload["reference"], now_utc())


def tell_status_changed(payload: dict, key: str) -> None:
    """The reporter hears of every change of status; handlers of what they must act on."""
    case = by_reference(payload["reference"])
    if payload["actor_id"] != case.reporter_id:
        label = Status(payload["to_status"]).label
        tell(key, case, [case.reporter], f"Ärendet har fått status ”{label}”")
    if payload["action"] in HANDLER_TEXTS:
        people = receiving_handlers(case)
        if case.owner is not None and case.owner not in people:
            people.append(case.owner)  # who is on it hears of it, even from outside the unit
        text = HANDLER_TEXTS[payload["action"]]
        tell(key, case, [u for u in people if u.id != payload["actor_id"]], text)
        mailbox = mailbox_for(case, people) if payload["action"] in ROUTING_ACTIONS else None
        if mailbox:
            tell_mailbox(key, case, mailbox, text)


def tell_assigned(payload: dict, key: str) -> None:
    """The case's new owner is told it is theirs now, unless they took it themselves."""
    case = by_reference(payload["reference"])
    if case is not None and case.owner is not None and case.owner_id != payload["actor_id"]:
        tell(key, case, [case.owner], "Ärendet har tilldelats dig")


def tell_message(payload: dict, key: str) -> None:
    """A message goes to the other side: the receiving handlers, or the reporter."""
    case = by_reference(payload["reference"])
    msg = db.session.get(Message, payload["message_id"])
    if Side.SENDER in sides(msg.author, case):
        people = receiving_handlers(case)
    else:
        people = [case.reporter]
    tell(key, case, [p for p in people if p.id != msg.author_id], "Nytt meddelande i ärendet")
