"""Linked cases: the same report twice (`duplicate`), the same event reported by several
units (`same_event`), a problem that keeps coming back (`recurring`), a case that follows
up another (`follow_up`); and the receiver's possible duplicates at intake.

A handler links a case they work on to another case they may see, from the case page or
the API; each case's history records it (without the other's reference). Whoever sees
one of the two is shown that the link exists; the other's reference only if they may
see that case too. A `duplicate` joins two cases between the same sender and receiver
organisations, and the receiver may then merge it (transitions: `merge`, rules.py): the
kept case carries on with its clock and escalations and shows the merged one's history
to whoever may read it; the merged one ends, status `merged`, and the forum counts the
event once.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from avvikelse.accounts.models import CASE_WORKERS, User
from avvikelse.audit.services import log_access
from avvikelse.cases.changes import record_change
from avvikelse.cases.enums import LinkKind, Status
from avvikelse.cases.models import Case, CaseEvent, CaseLink
from avvikelse.cases.policy import box_clause, can_read, sides
from avvikelse.core.errors import TransitionRefused, ValidationFailed
from avvikelse.extensions import db

NOT_VISIBLE = "Ärendet finns inte eller så saknar du behörighet att se det."
#: a possible duplicate occurred within this long of the case
DUPLICATE_WINDOW = timedelta(days=1)


@dataclass(frozen=True)
class ShownLink:
    kind: LinkKind
    #: the other case's reference; None when the viewer may not see it
    reference: str | None
    #: follow_up only: "follows" (this case follows up the other) or "followed_by"
    direction: str | None
    other_status: Status | None


def may_link(user: User, case: Case) -> bool:
    """Handlers and overseers of either side link the cases they work on."""
    return bool(sides(user, case)) and user.has_role(*CASE_WORKERS)


def between(case: Case, other: Case) -> CaseLink | None:
    return db.session.scalar(select(CaseLink).where(or_(
        and_(CaseLink.case_id == case.id, CaseLink.other_case_id == other.id),
        and_(CaseLink.case_id == other.id, CaseLink.other_case_id == case.id))))


def link(user: User, case: Case, reference: str, kind: str, now: datetime) -> CaseLink:
    """Link `case` (which the caller read through the policy) to the case `reference`."""
    if not may_link(user, case):
        raise TransitionRefused("Bara handläggare, MAS, SAS och chefsläkare på ärendets två sidor "
                                "länkar ärenden.")
    try:
        chosen = LinkKind(kind)
    except ValueError:
        raise ValidationFailed({"kind": [f"Välj bland: {', '.join(k.value for k in LinkKind)}."]}) from None
    reference = (reference or "").strip()
    other = db.session.scalar(select(Case).where(Case.reference == reference)) if reference else None
    if other is None or not can_read(user, other):
        log_access(user, "denied", target=reference)  # a probe of references, as a read would be
        raise ValidationFailed({"reference": [NOT_VISIBLE]})
    if other.id == case.id:
        raise ValidationFailed({"reference": ["Ett ärende kan inte länkas till sig självt."]})
    if between(case, other) is not None:
        raise ValidationFailed({"reference": ["Ärendena är redan länkade."]})
    if chosen is LinkKind.DUPLICATE and (other.sender_organisation_id != case.sender_organisation_id
                                         or other.receiver_organisation_id != case.receiver_organisation_id):
        raise ValidationFailed({"kind": ["En dubblett har samma avsändare och mottagare. Länka som "
                                         "”samma händelse” när olika organisationer rapporterat den."]})
    first, second = (case, other) if chosen is LinkKind.FOLLOW_UP or case.id < other.id else (other, case)
    row = CaseLink(case=first, other_case=second, kind=chosen, created_at=now, created_by=user)
    db.session.add(row)
    # Each history says so, never naming the other: its readers may not see it.
    record_change(case, "link", user, now, note=f"Länkat till ett annat ärende: {chosen.label.lower()}.")
    record_change(other, "link", user, now, note=f"Ett annat ärende länkades hit: {chosen.label.lower()}.")
    db.session.flush()
    return row


def links_for(user: User, case: Case) -> list[ShownLink]:
    rows = db.session.scalars(select(CaseLink).where(
        or_(CaseLink.case_id == case.id, CaseLink.other_case_id == case.id)).order_by(CaseLink.id))
    found = []
    for row in rows:
        other = row.other_case if row.case_id == case.id else row.case
        direction = None
        if row.kind is LinkKind.FOLLOW_UP:
            direction = "follows" if row.case_id == case.id else "followed_by"
        visible = can_read(user, other)
        found.append(ShownLink(row.kind, other.reference if visible else None, direction,
                               other.status if visible else None))
    return found


def merged_from(user: User, case: Case) -> list[tuple[Case, list[CaseEvent]]]:
    """The duplicates merged into `case` the user may read, each with its history: the
    kept case shows both histories."""
    merged = db.session.scalars(select(Case).where(Case.merged_into_id == case.id).order_by(Case.id))
    return [(m, list(m.history)) for m in merged if can_read(user, m)]


def possible_duplicates(user: User, case: Case, limit: int = 5) -> list[Case]:
    """At intake, what the receiver may have had already: cases to the same organisation
    from the same sending unit, of the same category, that happened within a day of this
    one, not ended by merging or withdrawal and not linked to it yet; only those in the
    receiver's own box."""
    linked = select(CaseLink.other_case_id).where(CaseLink.case_id == case.id).union(
        select(CaseLink.case_id).where(CaseLink.other_case_id == case.id))
    stmt = (select(Case).where(
        box_clause(user, "incoming"),
        Case.id != case.id, Case.receiver_organisation_id == case.receiver_organisation_id,
        Case.sender_unit_id == case.sender_unit_id, Case.category == case.category,
        Case.occurred_at >= case.occurred_at - DUPLICATE_WINDOW,
        Case.occurred_at <= case.occurred_at + DUPLICATE_WINDOW,
        Case.status.not_in((Status.MERGED, Status.WITHDRAWN)), Case.id.not_in(linked))
        .order_by(Case.occurred_at, Case.id).limit(limit))
    return list(db.session.scalars(stmt))


def duplicate_of(case: Case) -> list[Case]:
    """The open cases `case` is linked to as a duplicate (what it may be merged into)."""
    rows = db.session.scalars(select(CaseLink).where(
        CaseLink.kind == LinkKind.DUPLICATE,
        or_(CaseLink.case_id == case.id, CaseLink.other_case_id == case.id)))
    return [r.other_case if r.case_id == case.id else r.case for r in rows]
