"""Reading lists of cases: the boxes, newest first, a page at a time."""
from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from avvikelse.accounts.models import User
from avvikelse.agreements.models import AgreementCategory
from avvikelse.cases.enums import ANSWER_PENDING, Status
from avvikelse.cases.models import Case
from avvikelse.cases.policy import box_clause
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
    clause = box_clause(user, box)
    return clause if owner is None else and_(clause, Case.owner_id == owner)


def keyset(stmt, where: list, cursor: str | None, limit: int, sort: str):
    """The conditions (the box's, a status, a search's filters), the cursor's position
    and the order, on any select over cases."""
    key, ascending = _sort_key(sort)
    stmt = stmt.where(*where)
    if sort == "due":  # one ordered scan of a partial index, however big the box
        stmt = stmt.where(awaiting_answer(), Case.due_at.is_not(None))
    after = decode_cursor(cursor)
    if after:
        at, row_id = after
        if ascending:
            stmt = stmt.where(or_(key > at, and_(key == at, Case.id > row_id)))
        else:
            stmt = stmt.where(or_(key < at, and_(key == at, Case.id < row_id)))
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
    rows = db.session.execute(keyset(stmt, [in_box(user, box, owner), *_status(status)], cursor, limit, sort)).all()
    return rows[:limit], next_cursor(rows, limit, sort)


def by_reference(reference: str) -> Case | None:
    """A case by its reference, for the workers' handlers (no reader, so no policy)."""
    return db.session.scalar(select(Case).where(Case.reference == reference))
