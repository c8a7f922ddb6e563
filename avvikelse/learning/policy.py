"""Who sees and does what with an investigation, a measure and a learning summary.
Builds on the case policy, never around it.

- An investigation's **sides** are its lead organisation and, when it is joint, every
  organisation party to (sender or receiver of) a case it covers.
- It is seen by its participants and by the overseers (MAS, SAS, chefsläkare) of its
  sides; an overseer names participants of their own organisation only, and of another
  side only once the investigation is joint.
- Participants write the draft; the lead approves the final report.
- A participant **reads a covered case** as their organisation may (`case_grant`: the
  case policy asks it, cases/policy.py) while the investigation runs: a participant of
  the sending organisation sees the identity, one of the receiving organisation only
  while the sender shares it with them. The read is logged as through the
  investigation; when it ends, so does the access.
- A measure is seen by whoever sees where it came from (the case, or the investigation)
  and by its owner organisation's handlers and overseers; it is changed by them and by
  the account named to get its reminders.
- A learning summary, pending, is seen by its writer and the overseers of its cases'
  organisations; approved by every one of them, by all staff.

Any error inside a rule denies.
"""
from sqlalchemy import select

from avvikelse.accounts.models import CASE_WORKERS, OVERSEERS, User
from avvikelse.cases.models import Case, Measure
from avvikelse.cases.policy import Grant, can_read, sides
from avvikelse.cases.transitions import Side
from avvikelse.extensions import db
from avvikelse.learning.enums import RUNNING, SummaryStatus
from avvikelse.learning.models import Investigation, LearningSummary, Participant, investigation_cases


def party_organisations(inv: Investigation) -> set[int]:
    """The organisations that send or receive a covered case."""
    return {o for c in inv.cases for o in (c.sender_organisation_id, c.receiver_organisation_id)}


def side_organisations(inv: Investigation) -> set[int]:
    return party_organisations(inv) | {inv.lead_organisation_id} if inv.joint else {inv.lead_organisation_id}


def is_participant(user: User, inv: Investigation) -> bool:
    return any(p.user_id == user.id for p in inv.participants)


def is_overseer_of(user: User, organisation_id: int) -> bool:
    return user.organisation_id == organisation_id and user.has_role(*OVERSEERS)


def can_view(user: User, inv: Investigation) -> bool:
    try:
        return is_participant(user, inv) or (
            user.has_role(*OVERSEERS) and user.organisation_id in side_organisations(inv))
    except Exception:
        return False


def can_edit(user: User, inv: Investigation) -> bool:
    """Participants write the draft (the lead is one)."""
    try:
        return inv.running and is_participant(user, inv)
    except Exception:
        return False


def is_lead(user: User, inv: Investigation) -> bool:
    return user.id == inv.lead_id


def may_name(user: User, inv: Investigation) -> bool:
    """Whether the user may name participants (of their own organisation)."""
    try:
        return user.has_role(*OVERSEERS) and user.organisation_id in side_organisations(inv)
    except Exception:
        return False


def case_grant(user: User, case: Case) -> Grant | None:
    """The case policy's grant: a participant of a running investigation covering the
    case, of an organisation that sends or receives it."""
    if user.organisation_id not in (case.sender_organisation_id, case.receiver_organisation_id):
        return None
    investigation_id = db.session.scalar(
        select(Investigation.id)
        .join(investigation_cases, investigation_cases.c.investigation_id == Investigation.id)
        .join(Participant, Participant.investigation_id == Investigation.id)
        .where(investigation_cases.c.case_id == case.id, Participant.user_id == user.id,
               Participant.organisation_id == user.organisation_id, Investigation.status.in_(RUNNING))
        .order_by(Investigation.id).limit(1))
    if investigation_id is None:
        return None
    side = Side.SENDER if user.organisation_id == case.sender_organisation_id else Side.RECEIVER
    return Grant(side, investigation_id)


def can_see_measure(user: User, measure: Measure) -> bool:
    try:
        if user.organisation_id == measure.owner_organisation_id and user.has_role(*CASE_WORKERS):
            return True
        if user.id == measure.owner_user_id:
            return True
        if measure.investigation_id is not None:
            inv = db.session.get(Investigation, measure.investigation_id)
            return inv is not None and can_view(user, inv)
        return can_read(user, measure.case)
    except Exception:
        return False


def can_update_measure(user: User, measure: Measure) -> bool:
    try:
        return user.id == measure.owner_user_id or (
            user.organisation_id == measure.owner_organisation_id and user.has_role(*CASE_WORKERS))
    except Exception:
        return False


def can_add_case_measure(user: User, case: Case) -> bool:
    return bool(sides(user, case)) and user.has_role(*CASE_WORKERS)


def summary_organisations(summary: LearningSummary) -> set[int]:
    return {o for c in summary.cases for o in (c.sender_organisation_id, c.receiver_organisation_id)}


def can_view_summary(user: User, summary: LearningSummary) -> bool:
    try:
        if summary.status is SummaryStatus.APPROVED:
            return True
        return user.id == summary.created_by_id or (
            user.has_role(*OVERSEERS) and user.organisation_id in summary_organisations(summary))
    except Exception:
        return False


def may_approve_summary(user: User, summary: LearningSummary) -> bool:
    try:
        return (summary.status is SummaryStatus.PENDING and user.has_role(*OVERSEERS)
                and user.organisation_id in summary_organisations(summary)
                and all(a.organisation_id != user.organisation_id for a in summary.approvals))
    except Exception:
        return False
