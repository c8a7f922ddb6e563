"""The one table of allowed transitions. Views, API, services and tests all read it.

    submitted ─route─▶ received ─acknowledge─▶ investigating ─answer─▶ answered ─accept─▶ closed
                         ▲  │ ▲                   │   ▲                  │ │ └─ (no reaction in
                 forward ┘  │ └──── forward ──────┘   └──── disputed ◀───┘ │     time) ─▶ closed
                            └─ ask ─▶ awaiting_info ─reply─▶ back where      │
                                                              it was         └─ after the second
                                                    answer: disagree ─▶ in_forum ─settle─▶ closed
    redirect: the receiver names the right organisation; the case is routed anew.
    merge: the receiver merges a duplicate (received or under investigation) into the case
    it duplicates ─▶ merged (ended); that case carries on.

Some actions change no status (target None, and no apply function choosing one): the
sender sharing the patient's identity with the receiver, withdrawing it, or marking the
patient's personal data protected; the receiver naming who is on the case (assign). They are actions all the same, read from this table
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
    #: the joint forum, which settles a dispute the sides could not (no case side)
    FORUM = "forum"


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
    DISAGREE = "disagree"
    SETTLE = "settle"
    CLOSE_WITHOUT_REACTION = "close_without_reaction"
    WITHDRAW = "withdraw"
    RECLASSIFY = "reclassify"
    ESCALATE = "escalate"
    DIRECT_CONTACT = "direct_contact"
    ACKNOWLEDGE_COMPLAINT = "acknowledge_complaint"
    REPLY_TO_COMPLAINANT = "reply_to_complainant"
    SHARE_IDENTITY = "share_identity"
    UNSHARE_IDENTITY = "unshare_identity"
    PROTECT_IDENTITY = "protect_identity"
    ASSIGN = "assign"
    MERGE = "merge"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: frozenset[S]
    #: None: the status stays, unless the action's apply function names one (a reply
    #: goes back to where the case was before it awaited information)
    target: S | None
    #: the sides that may take it
    by: frozenset[Side]
    label: str


_OPEN = set(S) - {S.CLOSED, S.WITHDRAWN, S.MERGED}
#: open and with the receiver (routed, not on its way to another one)
_RECEIVED = _OPEN - {S.SUBMITTED, S.REDIRECTED}
#: open and still being worked on by the two sides (not yet with the forum)
_WORKED = _OPEN - {S.IN_FORUM}
_SENDER, _RECEIVER, _EITHER = {Side.SENDER}, {Side.RECEIVER}, {Side.SENDER, Side.RECEIVER}


def _t(action, sources, target, by, label):
    return Transition(action, frozenset(sources), target, frozenset(by), label)


TRANSITIONS: dict[Action, Transition] = {
    t.action: t
    for t in [
        _t(Action.ROUTE, {S.SUBMITTED, S.REDIRECTED}, S.RECEIVED, {Side.SYSTEM}, _l("Dirigerad")),
        _t(Action.ACKNOWLEDGE, {S.RECEIVED}, S.INVESTIGATING, _RECEIVER, _l("Kvittera")),
        _t(Action.ASK, {S.RECEIVED, S.INVESTIGATING, S.DISPUTED}, S.AWAITING_INFO,
           _RECEIVER, _l("Begär komplettering")),
        _t(Action.REPLY, {S.AWAITING_INFO}, None, _SENDER, _l("Komplettera")),
        _t(Action.FORWARD, {S.RECEIVED, S.INVESTIGATING}, S.RECEIVED, _RECEIVER,
           _l("Vidarebefordra inom organisationen")),
        _t(Action.REDIRECT, {S.RECEIVED, S.INVESTIGATING}, S.REDIRECTED, _RECEIVER,
           _l("Fel mottagare – skicka till rätt organisation")),
        _t(Action.ANSWER, {S.INVESTIGATING, S.DISPUTED}, S.ANSWERED, _RECEIVER, _l("Besvara")),
        _t(Action.ACCEPT, {S.ANSWERED}, S.CLOSED, _SENDER, _l("Godta svaret och avsluta")),
        # One dispute round; after the second answer the sender accepts or disagrees.
        _t(Action.DISPUTE, {S.ANSWERED}, S.DISPUTED, _SENDER, _l("Bestrid svaret")),
        _t(Action.DISAGREE, {S.ANSWERED}, S.IN_FORUM, _SENDER,
           _l("Godta inte det andra svaret – till samverkansforumet")),
        _t(Action.SETTLE, {S.IN_FORUM}, S.CLOSED, {Side.FORUM}, _l("Avgör i forumet")),
        _t(Action.CLOSE_WITHOUT_REACTION, {S.ANSWERED}, S.CLOSED, {Side.SYSTEM},
           _l("Avslutat utan reaktion")),
        _t(Action.WITHDRAW, {S.SUBMITTED, S.RECEIVED, S.INVESTIGATING, S.AWAITING_INFO,
                             S.REDIRECTED}, S.WITHDRAWN, _SENDER, _l("Återkalla ärendet")),
        # A duplicate the receiver linked (cases/links.py) goes into the case it duplicates.
        _t(Action.MERGE, {S.RECEIVED, S.INVESTIGATING}, S.MERGED, _RECEIVER,
           _l("Slå samman med dubbletten")),
        # Actions that keep the status.
        _t(Action.RECLASSIFY, _WORKED, None, _RECEIVER, _l("Klassificera om")),
        _t(Action.ESCALATE, _WORKED, None, _EITHER, _l("Eskalera ärendet")),
        _t(Action.DIRECT_CONTACT, _OPEN, None, _EITHER, _l("Registrera direktkontakt")),
        _t(Action.ACKNOWLEDGE_COMPLAINT, _OPEN, None, _RECEIVER, _l("Registrera att klagomålet har bekräftats")),
        _t(Action.REPLY_TO_COMPLAINANT, _OPEN, None, _RECEIVER, _l("Registrera svar till den som klagat")),
        _t(Action.SHARE_IDENTITY, _OPEN, None, _SENDER, _l("Dela patientens identitet med mottagaren")),
        _t(Action.UNSHARE_IDENTITY, set(S), None, _SENDER, _l("Sluta dela patientens identitet")),
        _t(Action.PROTECT_IDENTITY, set(S), None, _SENDER,
           _l("Markera att patienten har skyddade personuppgifter")),
        # Who is on it: a handler of the receiving side (acknowledging sets it too).
        _t(Action.ASSIGN, _RECEIVED, None, _RECEIVER, _l("Tilldela ansvarig handläggare")),
    ]
}

#: the sender's acts on the patient's identity (rules.identity_refusal says when each applies)
IDENTITY_ACTIONS = frozenset({Action.SHARE_IDENTITY, Action.UNSHARE_IDENTITY, Action.PROTECT_IDENTITY})


def allowed_from(status: S) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
