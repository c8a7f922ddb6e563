"""Learning summaries ("lärande exempel"): what the county learns from a case or an
investigation, in a few sentences.

A handler or overseer who sees the cases writes one; the text is refused if the
personnummer detector finds a number in it (422). The MAS, SAS or chefsläkare of every
organisation party to its cases approves it; once all have, it is shown to the forum
(the period it was approved in) and to all staff, as a searchable list. Summaries are
de-identified by design: no case reference, organisation or person is shown with
them, only the category and its clause and the direction (region → kommun), and the
text is masked once more when shown.
"""
from datetime import datetime

from sqlalchemy import func, select

from avvikelse.accounts.models import CASE_WORKERS, OVERSEERS, User
from avvikelse.cases.models import Case
from avvikelse.core import personnummer, workdays
from avvikelse.core.errors import Forbidden, NotFound, TransitionRefused
from avvikelse.directory.services import organisation_ids_in
from avvikelse.extensions import db
from avvikelse.learning import policy
from avvikelse.learning.enums import SummaryStatus
from avvikelse.learning.investigations import _cases, _text
from avvikelse.learning.models import Investigation, LearningSummary, SummaryApproval

NOT_FOUND = "Det lärande exemplet finns inte eller så saknar du behörighet att se det."
TEXT_MAX = 2000


def create(user: User, text: str, references: list[str], now: datetime,
           investigation: Investigation | None = None) -> LearningSummary:
    if not user.has_role(*CASE_WORKERS):
        raise Forbidden("Bara handläggare, MAS, SAS och chefsläkare skriver lärande exempel.")
    text = _text(text, "text", required="Skriv det lärande exemplet.", limit=TEXT_MAX)
    cases = investigation.cases if investigation is not None else _cases(user, references)
    summary = LearningSummary(text=text, status=SummaryStatus.PENDING, organisation_id=user.organisation_id,
                              created_by=user, created_at=now, cases=list(cases),
                              investigation_id=investigation.id if investigation else None)
    db.session.add(summary)
    db.session.flush()
    return summary


def get_for(user: User, summary_id: int) -> LearningSummary:
    summary = db.session.get(LearningSummary, summary_id) if 0 < summary_id < 2**31 else None
    if summary is None or not policy.can_view_summary(user, summary):
        raise NotFound(NOT_FOUND)
    return summary


def approve(user: User, summary: LearningSummary, now: datetime) -> LearningSummary:
    """One side's approval; the last one publishes it."""
    orgs = policy.summary_organisations(summary)
    if not (user.has_role(*OVERSEERS) and user.organisation_id in orgs):
        raise Forbidden("Lärande exempel godkänns av MAS, SAS eller chefsläkare i ärendenas organisationer.")
    if summary.status is SummaryStatus.APPROVED:
        raise TransitionRefused("Det lärande exemplet är redan godkänt.")
    if any(a.organisation_id == user.organisation_id for a in summary.approvals):
        raise TransitionRefused("Er organisation har redan godkänt det; det väntar på den andra sidan.")
    summary.approvals.append(SummaryApproval(organisation_id=user.organisation_id, user=user, at=now))
    if orgs <= {a.organisation_id for a in summary.approvals}:
        summary.status, summary.published_at = SummaryStatus.APPROVED, now
    db.session.flush()
    return summary


def waiting_for(user: User) -> list[LearningSummary]:
    """Pending summaries of the user's organisation's cases it has not approved: for its
    overseers; and those the user wrote."""
    pending = list(db.session.scalars(select(LearningSummary).where(
        LearningSummary.status == SummaryStatus.PENDING).order_by(LearningSummary.created_at)))
    return [s for s in pending if policy.may_approve_summary(user, s) or s.created_by_id == user.id]


def _like(query: str) -> str:
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def county_of(user: User) -> tuple[str, ...] | None:
    """The county whose summaries a person reads: their organisation's (None before
    counties were data: everything)."""
    code = user.organisation.county_code if user.organisation is not None else None
    return (code,) if code else None


def published(query: str | None = None, start: datetime | None = None, end: datetime | None = None,
              limit: int = 100, counties: tuple[str, ...] | None = None) -> list[LearningSummary]:
    """Approved summaries, newest first; `query` matches words of the text. With
    `counties`, those written by their organisations only: a county's staff and forum
    read their own county's lessons."""
    stmt = select(LearningSummary).where(LearningSummary.status == SummaryStatus.APPROVED)
    if counties is not None:
        stmt = stmt.where(LearningSummary.organisation_id.in_(organisation_ids_in(counties)))
    if query:
        stmt = stmt.where(func.lower(LearningSummary.text).like(_like(query[:200]), escape="\\"))
    if start is not None:
        stmt = stmt.where(LearningSummary.published_at >= start)
    if end is not None:
        stmt = stmt.where(LearningSummary.published_at < end)
    return list(db.session.scalars(stmt.order_by(LearningSummary.published_at.desc(), LearningSummary.id.desc())
                                   .limit(limit)))


def shown(summary: LearningSummary) -> dict:
    """A summary as staff and the forum see it: the text (masked once more), when it was
    approved, its cases' categories and directions; nothing that names a case or person."""
    from avvikelse.cases.categories import of_case

    categories = sorted({(s.label, s.clause or "") for s in (of_case(c) for c in summary.cases)})
    directions = sorted({_direction(c) for c in summary.cases})
    return {"id": summary.id, "text": personnummer.mask(summary.text),
            "published_on": (workdays.local_date(summary.published_at).isoformat()
                             if summary.published_at else None),
            "categories": [{"label": label, "clause": clause} for label, clause in categories],
            "directions": directions}


def _direction(case: Case) -> str:
    sender = "region" if case.sender_organisation.kind.value == "region" else "kommun"
    receiver = "region" if case.receiver_organisation.kind.value == "region" else "kommun"
    return f"{sender}_to_{receiver}"
