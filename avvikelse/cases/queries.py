"""Reading lists of cases: the boxes, newest first, a page at a time."""
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from avvikelse.accounts.models import User
from avvikelse.cases.enums import Status
from avvikelse.cases.models import Case
from avvikelse.cases.policy import box_clause
from avvikelse.core.paging import decode_cursor, encode_cursor
from avvikelse.extensions import db

BOXES = ("incoming", "outgoing")


def box_page(
    user: User, box: str, *, status: Status | None = None, cursor: str | None = None, limit: int = 25
) -> tuple[list[Case], str | None]:
    stmt = select(Case).where(box_clause(user, box))
    if status is not None:
        stmt = stmt.where(Case.status == status)
    after = decode_cursor(cursor)
    if after:
        at, row_id = after
        stmt = stmt.where(or_(Case.reported_at < at, and_(Case.reported_at == at, Case.id < row_id)))
    stmt = (
        stmt.options(selectinload(Case.sender_organisation), selectinload(Case.receiver_organisation),
                     selectinload(Case.receiver_unit), selectinload(Case.sender_unit))
        .order_by(Case.reported_at.desc(), Case.id.desc())
        .limit(limit + 1)
    )
    rows = list(db.session.scalars(stmt))
    items = rows[:limit]
    more = len(rows) > limit
    return items, encode_cursor(items[-1].reported_at, items[-1].id) if more else None
