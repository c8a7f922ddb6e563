"""The one table of allowed transitions. Views, API, services and tests all read it.

    submitted ─route─▶ received ─acknowledge─▶ investigating ─answer─▶ answered ─accept─▶ closed
                         ▲  │ ▲                   │   ▲                  │
                 forward ┘  │ └──── forward ──────┘   └──── disputed ◀───┘ (one round)
                            └─ ask ─▶ awaiting_info ─reply─▶ back where it was
    redirect: the receiver names the right organisation; the case is routed anew.
"""
import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from avvikelse.cases.enums import Status as S


class Side(enum.StrEnum):
    SENDER = "sender"
    RECEIVER = "receiver"
    SYSTEM = "system"


class Action(enum.StrEnum):
    ROUTE = "route"
    ACKNOWLEDGE = "acknowledge"
    ASK = "ask"
    REPLY = "reply"
    FORWARD = "forward"
    REDIRECT = "redirect"
    ANSWER = "answer"
    ACCEPT = "accept"
    DISPUTE = "dispute"
    WITHDRAW = "withdraw"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[S]
    #: None: back to the status the case had before (a reply ends awaiting_info)
    target: S | None
    by: Side
    label: str


def _t(action, sources, target, by, label):
    return Transition(action, frozenset(sources), target, by, label)


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        _t(Action.ROUTE, {S.SUBMITTED, S.REDIRECTED}, S.RECEIVED, Side.SYSTEM, _l("Dirigerad")),
        _t(Action.ACKNOWLEDGE, {S.RECEIVED}, S.INVESTIGATING, Side.RECEIVER, _l("Kvittera")),
        _t(Action.ASK, {S.RECEIVED, S.INVESTIGATING, S.DISPUTED}, S.AWAITING_INFO,
           Side.RECEIVER, _l("Begär komplettering")),
        _t(Action.REPLY, {S.AWAITING_INFO}, None, Side.SENDER, _l("Komplettera")),
        _t(Action.FORWARD, {S.RECEIVED, S.INVESTIGATING}, S.RECEIVED, Side.RECEIVER,
           _l("Vidarebefordra inom organisationen")),
        _t(Action.REDIRECT, {S.RECEIVED, S.INVESTIGATING}, S.REDIRECTED, Side.RECEIVER,
           _l("Fel mottagare – skicka till rätt organisation")),
        _t(Action.ANSWER, {S.INVESTIGATING, S.DISPUTED}, S.ANSWERED, Side.RECEIVER, _l("Besvara")),
        _t(Action.ACCEPT, {S.ANSWERED}, S.CLOSED, Side.SENDER, _l("Godta svaret och avsluta")),
        _t(Action.DISPUTE, {S.ANSWERED}, S.DISPUTED, Side.SENDER, _l("Bestrid svaret")),
        _t(Action.WITHDRAW, {S.SUBMITTED, S.RECEIVED, S.INVESTIGATING, S.AWAITING_INFO,
                             S.REDIRECTED}, S.WITHDRAWN, Side.SENDER, _l("Återkalla ärendet")),
    ]
}


def allowed_from(status: S) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
