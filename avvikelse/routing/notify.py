"""Who is told what, when a case changes. Texts are mailed too: no patient data in them."""
from sqlalchemy import select

from avvikelse.cases.models import Case, CaseEvent, Message
from avvikelse.cases.policy import sides
from avvikelse.cases.transitions import Side
from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.notifications.services import tell
from avvikelse.routing.services import receiving_handlers, route_case

# What the receiving handlers are told, by action; other actions concern the sender only.
HANDLER_TEXTS = {
    "route": "Nytt ärende att ta emot",
    "forward": "Ärende vidarebefordrat till er enhet",
    "reply": "Avsändaren har kompletterat ärendet",
    "dispute": "Avsändaren har bestridit svaret",
    "withdraw": "Avsändaren har återkallat ärendet",
}


@outbox.handles("case.submitted")
def _route(payload: dict, evt) -> None:
    case_id = db.session.scalar(select(Case.id).where(Case.reference == payload["reference"]))
    route_case(case_id, now_utc())


@outbox.handles("case.status_changed")
def _status_changed(payload: dict, evt) -> None:
    """The reporter hears of every change of status; handlers of what they must act on."""
    case = db.session.get(Case, payload["case_id"])
    row = db.session.get(CaseEvent, payload["case_event_id"])
    if row.actor_id != case.reporter_id:
        tell(evt.id, case, [case.reporter], f"Ärendet har fått status ”{row.to_status.label}”")
    if row.action in HANDLER_TEXTS:
        handlers = [u for u in receiving_handlers(case) if u.id != row.actor_id]
        tell(evt.id, case, handlers, HANDLER_TEXTS[row.action])


@outbox.handles("case.message")
def _message(payload: dict, evt) -> None:
    case = db.session.get(Case, payload["case_id"])
    msg = db.session.get(Message, payload["message_id"])
    if Side.SENDER in sides(msg.author, case):
        people = receiving_handlers(case)
    else:
        people = [case.reporter]
    tell(evt.id, case, [p for p in people if p.id != msg.author_id], "Nytt meddelande i ärendet")
