"""Reading the access log: review ("loggkontroll"), patient extracts, "vem har läst".

Scope: every reviewer (MAS, chefsläkare, an administrator) follows up what people of
their own organisation did (PDL 4 kap. 3 §: each caregiver its own staff's access), and
a patient's log extract (PDL 8 kap. 5 §) is one organisation's, for its own staff.
Looking up a patient in the log finds only cases whose patient the reviewer's own
organisation may identify: its outgoing cases, and incoming ones while the sender shares
the identity with it. Anything else would let the log link a de-identified case to a
person.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import exists, func, or_, select

from avvikelse.accounts.models import LOG_REVIEWERS, User
from avvikelse.audit.models import AccessLog, AccessReview
from avvikelse.core.clock import SWEDEN
from avvikelse.extensions import db

ACCESS_ACTIONS = ("read", "print", "export", "change", "download")
#: a patient's extract: every access, and every share, withdrawal and first disclosure
EXTRACT_ACTIONS = (*ACCESS_ACTIONS, "share", "unshare", "disclose")
MAX_ROWS = 500


def may_review(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(*LOG_REVIEWERS))


def scope_clause(user):
    return AccessLog.organisation_id == user.organisation_id


def identifiable_by(organisation_id: int):
    """Rows of cases whose patient the organisation may identify now: it sent the case, or
    receives it and the sender shares the identity with it (cases/patient.py)."""
    return or_(
        AccessLog.case.has(sender_organisation_id=organisation_id),
        AccessLog.case.has(receiver_organisation_id=organisation_id,
                           patient_shared_with_id=organisation_id, patient_protected=False),
    )


@dataclass
class LogFilter:
    username: str | None = None
    blind_index: str | None = None
    reference: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    unreviewed_only: bool = False


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SWEDEN)


def filtered(user, criteria: LogFilter):
    query = select(AccessLog).where(scope_clause(user))
    if criteria.username:
        query = query.where(AccessLog.user_id.in_(
            select(User.id).where(User.username == criteria.username)))
    if criteria.blind_index:
        query = query.where(AccessLog.patient_blind_index == criteria.blind_index,
                            identifiable_by(user.organisation_id))
    if criteria.reference:
        query = query.where(AccessLog.case.has(reference=criteria.reference))
    if criteria.date_from:
        query = query.where(AccessLog.at >= _start_of(criteria.date_from))
    if criteria.date_to:
        query = query.where(AccessLog.at < _start_of(criteria.date_to + timedelta(days=1)))
    if criteria.unreviewed_only:
        query = query.where(~exists().where(AccessReview.access_log_id == AccessLog.id))
    return query


def search(user, criteria: LogFilter, limit: int = MAX_ROWS) -> list[AccessLog]:
    query = filtered(user, criteria).order_by(AccessLog.at.desc(), AccessLog.id.desc())
    return list(db.session.scalars(query.limit(limit)))


def sample(user, criteria: LogFilter, size: int) -> list[AccessLog]:
    """A random sample of accesses not yet reviewed, for regular follow-up."""
    criteria.unreviewed_only = True
    query = filtered(user, criteria).where(AccessLog.action.in_(ACCESS_ACTIONS))
    return list(db.session.scalars(query.order_by(func.random()).limit(size)))


def mark_reviewed(user, ids: list[int], note: str, now: datetime) -> int:
    """Marks the rows in the reviewer's scope; ids outside it are silently not marked."""
    rows = db.session.scalars(
        select(AccessLog.id).where(scope_clause(user), AccessLog.id.in_(ids))
    ).all()
    for row_id in rows:
        db.session.add(AccessReview(access_log_id=row_id, reviewer_id=user.id, at=now, note=note))
    return len(rows)


def reviews_for(rows: list[AccessLog]) -> dict[int, list[AccessReview]]:
    ids = [r.id for r in rows]
    found: dict[int, list[AccessReview]] = {}
    if ids:
        for review in db.session.scalars(
            select(AccessReview).where(AccessReview.access_log_id.in_(ids)).order_by(AccessReview.at)
        ):
            found.setdefault(review.access_log_id, []).append(review)
    return found


def patient_extract(user, blind_index: str) -> list[AccessLog]:
    """PDL 8 kap. 5 §: which of the organisation's staff and units accessed the patient's
    data, when, and when the identity was shared with or disclosed to the other side."""
    query = (
        select(AccessLog)
        .where(scope_clause(user), AccessLog.patient_blind_index == blind_index,
               AccessLog.action.in_(EXTRACT_ACTIONS), identifiable_by(user.organisation_id))
        .order_by(AccessLog.at, AccessLog.id)
    )
    return list(db.session.scalars(query))


def readers(case, limit: int = 100) -> list[AccessLog]:
    query = (
        select(AccessLog)
        .where(AccessLog.case_id == case.id, AccessLog.action.in_(ACCESS_ACTIONS))
        .order_by(AccessLog.at.desc(), AccessLog.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
