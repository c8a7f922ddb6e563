"""Searching the cases a user may see: by date with the lists' cursor, or the best
matches by relevance.

A search is a list, not a read: its rows hold reference, kind, category, parties, status
and dates, never free text or the patient, so it writes no access-log rows (a case is
read, and logged, when it is opened). Its conditions are added to the user's box
(cases/policy.py), so it never shows a case the user could not open.
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from avvikelse.accounts.models import User
from avvikelse.cases.models import Case
from avvikelse.cases.policy import box_clause
from avvikelse.cases.queries import keyset, next_cursor
from avvikelse.directory.models import Organisation, Unit
from avvikelse.extensions import db
from avvikelse.search import index
from avvikelse.search.filters import RELEVANCE_LIMIT, Context, Search


@dataclass(frozen=True)
class Page:
    items: list
    #: the next page's cursor (never when ordered by relevance: the best 50 are all)
    next: str | None


def _rows_select():
    """The columns a result row shows: both parties by name, no free text."""
    sender_org, receiver_org = aliased(Organisation), aliased(Organisation)
    sender_unit, receiver_unit = aliased(Unit), aliased(Unit)
    return (
        select(Case.id, Case.reference, Case.serious, Case.kind, Case.event_type, Case.category, Case.status,
               Case.reported_at, Case.due_at, Case.answered_at, Case.closed_at,
               sender_org.name.label("sender_name"), sender_unit.name.label("sender_unit_name"),
               receiver_org.name.label("receiver_name"), receiver_unit.name.label("receiver_unit_name"))
        .join(sender_org, sender_org.id == Case.sender_organisation_id)
        .join(sender_unit, sender_unit.id == Case.sender_unit_id)
        .join(receiver_org, receiver_org.id == Case.receiver_organisation_id)
        .outerjoin(receiver_unit, receiver_unit.id == Case.receiver_unit_id)
    )


def _cases_select():
    # Many-to-one, so joined: one statement per page (the API serializes whole cases).
    return select(Case).options(
        joinedload(Case.sender_organisation), joinedload(Case.receiver_organisation),
        joinedload(Case.receiver_unit), joinedload(Case.sender_unit))


def _run(stmt, user: User, search: Search, now: datetime, cursor: str | None, limit: int,
         scalars: bool) -> Page:
    dialect = db.engine.dialect.name
    ctx = Context(user, now)
    if search.by_relevance:
        searched, on, rank = index.ranked(dialect, search.words)
        conditions = [box_clause(user, search.box), *search.filter_clauses(ctx)]
        stmt = (stmt.join(searched, on).where(*conditions)
                .order_by(rank, Case.reported_at.desc(), Case.id.desc()).limit(min(limit, RELEVANCE_LIMIT)))
        rows = list(db.session.scalars(stmt) if scalars else db.session.execute(stmt))
        return Page(rows, None)
    stmt = keyset(stmt, user, search.box, search.clauses(ctx, dialect), cursor, limit, "newest")
    rows = list(db.session.scalars(stmt) if scalars else db.session.execute(stmt))
    return Page(rows[:limit], next_cursor(rows, limit, "newest"))


def rows(user: User, search: Search, now: datetime, *, cursor: str | None = None, limit: int = 25) -> Page:
    """A page of result rows (plain rows: the pages and the exports)."""
    return _run(_rows_select(), user, search, now, cursor, limit, scalars=False)


def cases(user: User, search: Search, now: datetime, *, cursor: str | None = None, limit: int = 25) -> Page:
    """A page of whole cases, for the API's summaries (which hold no free text either)."""
    return _run(_cases_select(), user, search, now, cursor, limit, scalars=True)
