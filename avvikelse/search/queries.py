"""Searching the cases a user may see: by date with the lists' cursor, or the best
matches by relevance.

A search is a list, not a read: its rows hold reference, kind, category, parties, status
and dates, never free text or the patient, so it writes no access-log rows (a case is
read, and logged, when it is opened). Its conditions are added to the user's box
(cases/policy.py), so it never shows a case the user could not open.

Two steps, each cheap at any size: first the page's case ids, then their columns. By
date, each part of the box (the organisation's incoming side, its sent side, the user's
own reports) is read newest first from its own index up to the page's size, with the
filters and the text as conditions, and the parts are merged: an OR of the parts
would read the whole box and sort it. By relevance, the index ranks what matches
(ts_rank, bm25), best first, and the box is checked by primary key (index.best).
"""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, union
from sqlalchemy.orm import joinedload, load_only

from avvikelse.accounts.models import User
from avvikelse.cases.models import Case
from avvikelse.cases.policy import box_branches
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


@dataclass(frozen=True)
class Row:
    """A result as the list shows it and the export writes it: no free text, no patient."""

    reference: str
    kind: object
    event_type: object
    category: str
    serious: bool
    status: object
    sender_name: str
    sender_unit_name: str | None
    receiver_name: str
    receiver_unit_name: str | None
    reported_at: datetime
    due_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None
    #: who is on the case on the receiving side (cases/owners.py): a name, not what was written
    owner_name: str | None = None


#: what an API summary reads (api/serialize.py summary): never the free text
SUMMARY_COLUMNS = (Case.reference, Case.kind, Case.event_type, Case.status, Case.sender_organisation_id,
                   Case.sender_unit_id, Case.receiver_organisation_id, Case.receiver_unit_id, Case.category,
                   Case.activity, Case.consequence, Case.probability, Case.risk, Case.serious, Case.reported_at,
                   Case.due_at, Case.outcome, Case.owner_id)

_COLUMNS = (Case.id, Case.reference, Case.kind, Case.event_type, Case.category, Case.serious, Case.status,
            Case.sender_organisation_id, Case.sender_unit_id, Case.receiver_organisation_id,
            Case.receiver_unit_id, Case.reported_at, Case.due_at, Case.answered_at, Case.closed_at,
            Case.owner_id)


def _found(user: User, search: Search, now: datetime, cursor: str | None, limit: int) -> tuple[list[int], str | None]:
    """The page's case ids in order, and the next page's cursor."""
    branches = box_branches(user, search.box)
    if not branches:
        return [], None
    dialect = db.engine.dialect.name
    ctx = Context(user, now)
    if search.by_relevance:
        conditions = [or_(*branches), *search.filter_clauses(ctx)]
        return index.best(search.words, conditions, min(limit, RELEVANCE_LIMIT)), None
    conditions = search.clauses(ctx, dialect)
    parts = [keyset(select(Case.id, Case.reported_at), [branch, *conditions], cursor, limit, "newest")
             for branch in branches]
    if len(parts) == 1:
        stmt = parts[0]
    else:
        merged = union(*(select(*part.subquery().c) for part in parts)).subquery()
        stmt = (select(merged.c.id, merged.c.reported_at)
                .order_by(merged.c.reported_at.desc(), merged.c.id.desc()).limit(limit + 1))
    rows = db.session.execute(stmt).all()
    return [r.id for r in rows[:limit]], next_cursor(rows, limit, "newest")


def _names() -> tuple[dict[int, str], dict[int, str]]:
    """Every organisation's and unit's name: a few hundred rows, cheaper than four joins."""
    return (dict(db.session.execute(select(Organisation.id, Organisation.name)).all()),
            dict(db.session.execute(select(Unit.id, Unit.name)).all()))


def _owner_names(ids: set[int]) -> dict[int, str]:
    """The page's owners by id, as the lists name them (full name, else username)."""
    if not ids:
        return {}
    return {u.id: u.full_name or u.username
            for u in db.session.execute(select(User.id, User.full_name, User.username).where(User.id.in_(ids)))}


def rows(user: User, search: Search, now: datetime, *, cursor: str | None = None, limit: int = 25) -> Page:
    """A page of result rows (the pages and the exports)."""
    ids, following = _found(user, search, now, cursor, limit)
    if not ids:
        return Page([], following)
    orgs, units = _names()
    by_id = {r.id: r for r in db.session.execute(select(*_COLUMNS).where(Case.id.in_(ids)))}
    owners = _owner_names({r.owner_id for r in by_id.values() if r.owner_id is not None})
    found = []
    for case_id in ids:
        r = by_id[case_id]
        found.append(Row(
            reference=r.reference, kind=r.kind, event_type=r.event_type, category=r.category,
            serious=r.serious, status=r.status,
            sender_name=orgs[r.sender_organisation_id], sender_unit_name=units.get(r.sender_unit_id),
            receiver_name=orgs[r.receiver_organisation_id], receiver_unit_name=units.get(r.receiver_unit_id),
            reported_at=r.reported_at, due_at=r.due_at, answered_at=r.answered_at, closed_at=r.closed_at,
            owner_name=owners.get(r.owner_id)))
    return Page(found, following)


def cases(user: User, search: Search, now: datetime, *, cursor: str | None = None, limit: int = 25) -> Page:
    """A page of whole cases, for the API's summaries (which hold no free text either)."""
    ids, following = _found(user, search, now, cursor, limit)
    if not ids:
        return Page([], following)
    # Many-to-one, so joined: one statement for the page; the summary's columns only.
    loaded = db.session.scalars(select(Case).where(Case.id.in_(ids)).options(
        load_only(*SUMMARY_COLUMNS),
        joinedload(Case.sender_organisation), joinedload(Case.receiver_organisation),
        joinedload(Case.receiver_unit), joinedload(Case.sender_unit), joinedload(Case.owner))).unique()
    by_id = {c.id: c for c in loaded}
    return Page([by_id[i] for i in ids], following)
