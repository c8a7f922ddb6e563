"""The one table of allowed transitions. Views, API, services and tests all read it.

    submitted ─route─▶ received ─acknowledge─▶ investigating ─answer─▶ answered ─accept─▶ closed
                         ▲  │ ▲                   │   ▲                  │
                 forward ┘  │ └──── forward ──────┘   └──── disputed ◀───┘ (one round)
                            └─ ask ─▶ awaiting_info ─reply─▶ back where it was
    redirect: the receiver names the right organisation; the case is routed anew.

Some actions change no status (target None, and no apply function choosing one): the
sender sharing the patient's identity with the receiver, withdrawing it, or marking the
patient's personal data protected. They are actions all the same, read from this table
by the pages, the API and the policy, and written to the history like any change.
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
    SHARE_IDENTITY = "share_identity"
    UNSHARE_IDENTITY = "unshare_identity"
    PROTECT_IDENTITY = "protect_identity"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[S]
    #: None: the status stays, unless the action's apply function names one (a reply
    #: goes back to where the case was before it awaited information)
    target: S | None
    by: Side
    label: str


_OPEN = set(S) - {S.CLOSED, S.WITHDRAWN}


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
        _t(Action.SHARE_IDENTITY, _OPEN, None, Side.SENDER, _l("Dela patientens identitet med mottagaren")),
        _t(Action.UNSHARE_IDENTITY, set(S), None, Side.SENDER, _l("Sluta dela patientens identitet")),
        _t(Action.PROTECT_IDENTITY, set(S), None, Side.SENDER,
           _l("Markera att patienten har skyddade personuppgifter")),
    ]
}


#: the sender's acts on the patient's identity (rules.identity_refusal says when each applies)
IDENTITY_ACTIONS = frozenset({Action.SHARE_IDENTITY, Action.UNSHARE_IDENTITY, Action.PROTECT_IDENTITY})


def allowed_from(status: S) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
