"""Reading lists of cases: the boxes, newest first, a page at a time."""
from functools import cache

from sqlalchemy import and_, bindparam, false, func, or_, select, union
from sqlalchemy.orm import aliased, joinedload

from avvikelse.accounts.models import User
from avvikelse.agreements.models import AgreementCategory
from avvikelse.cases.enums import ANSWER_PENDING, Status
from avvikelse.cases.models import Case
from avvikelse.cases.policy import box_clause, box_form, box_values, form_branch, form_branches
from avvikelse.core.paging import decode_cursor, encode_cursor
from avvikelse.directory.models import Organisation, Unit
from avvikelse.extensions import db

BOXES = ("incoming", "outgoing")
#: what a search looks through: `all` is everything the user may see (both boxes)
SEARCH_BOXES = ("all", *BOXES)


#: The list pages' sort orders (the API uses the first). Each is a keyset: (key, id).
#: "due" lists the cases awaiting an answer, nearest answer day first.
SORTS = ("newest", "oldest", "due")

def awaiting_answer():
    """Cases awaiting an answer, as the partial indexes' predicate (models.AWAITING_ANSWER).
    The statuses are inlined: SQLite uses a partial index only for a predicate that
    matches its own, constants included."""
    return Case.status.in_(bindparam("awaiting", ANSWER_PENDING, expanding=True, literal_execute=True))


def _sort_key(sort: str):
    if sort == "due":
        return Case.due_at, True
    return Case.reported_at, sort == "oldest"


def in_box(user: User, box: str, owner: int | None = None):
    """The box's cases; with `owner`, only those that user id owns ("Mina ärenden")."""
    if owner is None:
        return box_clause(user, box)
    # The organisation as an expression, so that the owner's index is the one read.
    branches = [form_branch(name, user.organisation_id, user.unit_ids, user.id, spread=True)
                for name in box_form(user, box)]
    return and_(or_(*branches) if branches else false(), Case.owner_id == owner)


def list_form(user: User, box: str, owner: int | None = None) -> tuple:
    """What decides the SQL of a user's list page, values left out: the box's form
    (policy.box_form) and whether it is one owner's. A statement built from it
    (list_branches) serves every user with the same form, filled with list_values."""
    return box_form(user, box), owner is not None


def list_values(user: User, owner: int | None = None) -> dict:
    """The values that fill list_branches for this user: nothing else of theirs is in
    the statement, so sharing it between requests shares no user's data."""
    return {**box_values(user), "box_owner": owner}


def list_branches(form: tuple) -> list:
    """The list's branches with bind parameters: their union is in_box. Never empty."""
    names, owned = form
    branches = form_branches(names, spread=owned)
    if owned:
        branches = [and_(b, Case.owner_id == bindparam("box_owner")) for b in branches]
    return branches or [false()]


def keyset(stmt, where: list, cursor: str | None, limit: int, sort: str, *, after: tuple | None = None):
    """The conditions (the box's, a status, a search's filters), the cursor's position
    and the order, on any select over cases. `after` is the position itself (bind
    parameters, in a statement built once), in place of a cursor."""
    key, ascending = _sort_key(sort)
    stmt = stmt.where(*where)
    if sort == "due":  # one ordered scan of a partial index, however big the box
        stmt = stmt.where(awaiting_answer(), Case.due_at.is_not(None))
    after = after or decode_cursor(cursor)
    if after:
        at, row_id = after
        if ascending:
            stmt = stmt.where(or_(key > at, and_(key == at, Case.id > row_id)))
        else:
            stmt = stmt.where(or_(key < at, and_(key == at, Case.id < row_id)))
    return in_order(stmt, limit, sort)


def in_order(stmt, limit: int, sort: str):
    """The page's order and length (a row more, to know whether another page follows)."""
    key, ascending = _sort_key(sort)
    order = (key.asc(), Case.id.asc()) if ascending else (key.desc(), Case.id.desc())
    return stmt.order_by(*order).limit(limit + 1)


def next_cursor(rows: list, limit: int, sort: str) -> str | None:
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    return encode_cursor(last.due_at if sort == "due" else last.reported_at, last.id)


def _status(status: Status | None) -> list:
    return [] if status is None else [Case.status == status]


def box_page(
    user: User, box: str, *, status: Status | None = None, cursor: str | None = None, limit: int = 25,
    sort: str = "newest", owner: int | None = None,
) -> tuple[list[Case], str | None]:
    """A page of whole cases (the API serializes them), and the cursor of the next."""
    sort = sort if sort in SORTS else "newest"
    # Many-to-one, so joined: one statement per page instead of six.
    stmt = select(Case).options(
        joinedload(Case.sender_organisation), joinedload(Case.receiver_organisation),
        joinedload(Case.receiver_unit), joinedload(Case.sender_unit), joinedload(Case.owner))
    rows = list(db.session.scalars(keyset(stmt, [in_box(user, box, owner), *_status(status)], cursor, limit, sort)))
    return rows[:limit], next_cursor(rows, limit, sort)


#: The list's joined names, aliased once: an alias builds its column collection on first
#: use, which cost more than the whole page's query when done per request. Aliases are
#: immutable statement parts, so sharing them between requests shares no data.
_OTHER_ORG, _OTHER_UNIT, _OWNER = aliased(Organisation), aliased(Unit), aliased(User)


def box_rows(
    user: User, box: str, *, status: Status | None = None, cursor: str | None = None, limit: int = 25,
    sort: str = "newest", owner: int | None = None,
) -> tuple[list, str | None]:
    """A page of the list page's columns only, with the other party's names and the
    owner's: plain rows, as building whole case objects cost more than the query itself."""
    sort = sort if sort in SORTS else "newest"
    after = decode_cursor(cursor)
    stmt = _rows_statement(list_form(user, box, owner), box, status is not None, sort, after is not None, limit)
    values = {**list_values(user, owner), "box_status": status,
              "after_at": after[0] if after else None, "after_id": after[1] if after else None}
    rows = db.session.execute(stmt, values).all()
    return rows[:limit], next_cursor(rows, limit, sort)


#: box_rows' statements are kept by everything that shapes their SQL; bind parameters only,
#: filled per request (list_values, the status, the cursor's position): never a user's values.
@cache
def _rows_statement(form: tuple, box: str, filtered: bool, sort: str, paged: bool, limit: int):
    org, unit, owner_row = _OTHER_ORG, _OTHER_UNIT, _OWNER
    org_id, unit_id = ((Case.sender_organisation_id, Case.sender_unit_id) if box == "incoming"
                       else (Case.receiver_organisation_id, Case.receiver_unit_id))
    stmt = (
        select(Case.id, Case.reference, Case.serious, Case.kind, Case.category, Case.status,
               Case.reported_at, Case.due_at, org.name.label("other_name"), unit.name.label("other_unit_name"),
               func.coalesce(func.nullif(owner_row.full_name, ""), owner_row.username).label("owner_name"),
               AgreementCategory.label.label("category_label"))
        .join(org, org.id == org_id)
        .outerjoin(unit, unit.id == unit_id)
        .outerjoin(owner_row, owner_row.id == Case.owner_id)
        # The category as the case's own agreement version words it.
        .outerjoin(AgreementCategory, and_(AgreementCategory.version_id == Case.agreement_version_id,
                                           AgreementCategory.code == Case.category))
    )
    status = [Case.status == bindparam("box_status")] if filtered else []
    after = (bindparam("after_at"), bindparam("after_id")) if paged else None
    branches = list_branches(form)
    if len(branches) == 1:
        return keyset(stmt, [branches[0], *status], None, limit, sort, after=after)
    # Each branch's own page, read from its own index in order (an OR of them is a sort
    # of both sides whole), then the merged ids' page.
    parts = [keyset(select(Case.id), [branch, *status], None, limit, sort, after=after).subquery()
             for branch in branches]
    return in_order(stmt.where(Case.id.in_(union(*(select(part.c.id) for part in parts)))), limit, sort)


def by_reference(reference: str) -> Case | None:
    """A case by its reference, for the workers' handlers (no reader, so no policy)."""
    return db.session.scalar(select(Case).where(Case.reference == reference))
