"""Reading lists of cases: the boxes, newest first, a page at a time."""
from datetime import datetime, timezone

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from avvikelse.accounts.models import User
from avvikelse.cases.enums import Status
from avvikelse.cases.models import Case
from avvikelse.cases.policy import box_clause
from avvikelse.core.paging import decode_cursor, encode_cursor
from avvikelse.extensions import db

BOXES = ("incoming", "outgoing")


#: The list pages' sort orders (the API uses the first). Each is a keyset: (key, id).
SORTS = ("newest", "oldest", "due")
#: Cases with no due day sort after every dated one when sorting by due day.
_NO_DUE = datetime(9999, 12, 31, tzinfo=timezone.utc)


def _sort_key(sort: str):
    if sort == "due":
        return func.coalesce(Case.due_at, _NO_DUE), True
    return Case.reported_at, sort == "oldest"


def box_page(
    user: User, box: str, *, status: Status | None = None, cursor: str | None = None, limit: int = 25,
    sort: str = "newest",
) -> tuple[list[Case], str | None]:
    key, ascending = _sort_key(sort if sort in SORTS else "newest")
    stmt = select(Case).where(box_clause(user, box))
    if status is not None:
        stmt = stmt.where(Case.status == status)
    after = decode_cursor(cursor)
    if after:
        at, row_id = after
        if ascending:
            stmt = stmt.where(or_(key > at, and_(key == at, Case.id > row_id)))
        else:
            stmt = stmt.where(or_(key < at, and_(key == at, Case.id < row_id)))
    order = (key.asc(), Case.id.asc()) if ascending else (key.desc(), Case.id.desc())
    stmt = (
        stmt.options(selectinload(Case.sender_organisation), selectinload(Case.receiver_organisation),
                     selectinload(Case.receiver_unit), selectinload(Case.sender_unit))
        .order_by(*order)
        .limit(limit + 1)
    )
    rows = list(db.session.scalars(stmt))
    items = rows[:limit]
    more = len(rows) > limit
    if not more:
        return items, None
    last = items[-1]
    last_key = (last.due_at or _NO_DUE) if sort == "due" else last.reported_at
    return items, encode_cursor(last_key, last.id)
