"""Bulk actions on the receiving side: acknowledge, assign or forward within the
organisation, many cases at once.

Only these three: each is the receiver's own, changes nothing the sender wrote, and
can be undone by the next (assign again, forward back). Each case goes through the same
policy, rules and change writer as one done on its own page; a case that may not take
the action is left as it was and gets its own Swedish reason, and the others are done.
A reference the user may not see reads exactly like one that does not exist.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from avvikelse.accounts.models import User
from avvikelse.audit.services import log_access
from avvikelse.cases.inputs import ActionInput
from avvikelse.cases.models import Case
from avvikelse.cases.policy import can_view
from avvikelse.cases.services import perform
from avvikelse.cases.transitions import Action
from avvikelse.core.errors import TransitionRefused, ValidationFailed
from avvikelse.extensions import db

ACTIONS = (Action.ACKNOWLEDGE, Action.ASSIGN, Action.FORWARD)
#: the most cases one bulk action takes
MAX_CASES = 100
NOT_FOUND = "Ärendet finns inte eller så saknar du behörighet att se det."


@dataclass
class Outcome:
    reference: str
    done: bool
    #: the case's status afterwards (None when it was not found)
    status: str | None = None
    #: why it was not done, in Swedish
    message: str | None = None


def perform_bulk(user: User, action: Action, references: list[str], data: ActionInput,
                 now: datetime) -> list[Outcome]:
    if action not in ACTIONS:
        raise ValidationFailed({"action": ["Välj kvittera, tilldela eller vidarebefordra."]})
    wanted = list(dict.fromkeys(r for r in references if r))
    if not wanted:
        raise ValidationFailed({"references": ["Välj minst ett ärende."]})
    if len(wanted) > MAX_CASES:
        raise ValidationFailed({"references": [f"Högst {MAX_CASES} ärenden åt gången."]})
    found = {c.reference: c for c in db.session.scalars(
        select(Case).where(Case.reference.in_([r[:20] for r in wanted if "\x00" not in r])))}
    return [_one(user, action, found.get(ref), ref, data, now) for ref in wanted]


def _one(user, action, case, reference, data, now) -> Outcome:
    if case is None or not can_view(user, case):
        log_access(user, "denied", target=reference)
        return Outcome(reference, False, message=NOT_FOUND)
    # Each case its own input: the rules resolve the unit or owner onto it.
    own = ActionInput(note=data.note, unit=data.unit, owner=data.owner)
    try:
        perform(user, case, action, own, now)
    except TransitionRefused as exc:
        return Outcome(reference, False, str(case.status), exc.message)
    except ValidationFailed as exc:
        return Outcome(reference, False, str(case.status), " ".join(
            m for messages in exc.errors.values() for m in messages))
    return Outcome(reference, True, str(case.status))
