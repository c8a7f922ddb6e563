"""Rollups: counts of cases per cell (quarter, organisation pair, agreement version,
category, kind, event type, consequence, probability, seriousness, status, outcome,
answer in time), kept from the outbox events, and each case's mark of its cell

Revision ID: e4b7a91c3f20
Revises: d7c41e09a2b5
Create Date: 2026-11-30 14:20:00

The existing cases are counted here, with the quarter edges of Swedish local time, so
the figures read the same before and after; the nightly recount (`flask rollups
recount`) checks the same thing from then on.
"""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e4b7a91c3f20'
down_revision = 'd7c41e09a2b5'
branch_labels = None
depends_on = None

DIMENSIONS = ("quarter", "sender_organisation_id", "receiver_organisation_id", "agreement_version_id",
              "category", "kind", "event_type", "consequence", "probability", "serious", "status",
              "outcome", "answer")
SWEDEN = ZoneInfo("Europe/Stockholm")


def _cell_columns():
    return [
        sa.Column("quarter", sa.String(8), nullable=False),
        sa.Column("sender_organisation_id", sa.Integer(), nullable=False),
        sa.Column("receiver_organisation_id", sa.Integer(), nullable=False),
        sa.Column("agreement_version_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("event_type", sa.String(32), nullable=False),
        sa.Column("consequence", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Integer(), nullable=False),
        sa.Column("serious", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("answer", sa.String(16), nullable=False),
    ]


def _edge(year, month):
    return datetime(year, month, 1, tzinfo=SWEDEN).astimezone(timezone.utc)


def _fill(bind):
    cases = sa.table("cases", *[sa.column(n) for n in (
        "id", "reported_at", "sender_organisation_id", "receiver_organisation_id", "agreement_version_id",
        "category", "kind", "event_type", "consequence", "probability", "serious", "status", "outcome",
        "answered_at", "due_at")])
    first, last = bind.execute(sa.select(sa.func.min(cases.c.reported_at), sa.func.max(cases.c.reported_at))).one()
    if first is None:
        return
    if isinstance(first, str):
        first, last = datetime.fromisoformat(first), datetime.fromisoformat(last)
    first = (first if first.tzinfo else first.replace(tzinfo=timezone.utc)).astimezone(SWEDEN)
    last = (last if last.tzinfo else last.replace(tzinfo=timezone.utc)).astimezone(SWEDEN)
    sqlite = bind.dialect.name == "sqlite"
    branches = []
    year, quarter = first.year, (first.month - 1) // 3 + 1
    while (year, quarter) <= (last.year, (last.month - 1) // 3 + 1):
        end = _edge(year + 1, 1) if quarter == 4 else _edge(year, quarter * 3 + 1)
        bound = end.replace(tzinfo=None) if sqlite else end
        branches.append((cases.c.reported_at < sa.literal(bound, sa.DateTime(timezone=not sqlite)),
                         sa.literal(f"{year}Q{quarter}")))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    answer = sa.case((cases.c.answered_at.is_(None), sa.literal("unanswered")),
                     (sa.and_(cases.c.due_at.is_not(None), cases.c.answered_at <= cases.c.due_at),
                      sa.literal("in_time")), else_=sa.literal("late"))
    columns = [sa.case(*branches, else_=sa.literal("")), cases.c.sender_organisation_id,
               cases.c.receiver_organisation_id, sa.func.coalesce(cases.c.agreement_version_id, 0),
               cases.c.category, cases.c.kind, cases.c.event_type, cases.c.consequence, cases.c.probability,
               cases.c.serious, cases.c.status, sa.func.coalesce(cases.c.outcome, ""), answer]
    marks = sa.table("rollup_marks", sa.column("case_id"), *[sa.column(n) for n in DIMENSIONS])
    counts = sa.table("rollup_counts", sa.column("n"), *[sa.column(n) for n in DIMENSIONS])
    bind.execute(marks.insert().from_select(["case_id", *DIMENSIONS], sa.select(cases.c.id, *columns)))
    grouped = [marks.c[n] for n in DIMENSIONS]
    bind.execute(counts.insert().from_select([*DIMENSIONS, "n"], sa.select(*grouped, sa.func.count())
                                             .group_by(*grouped)))


def upgrade():
    op.create_table(
        "rollup_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        *_cell_columns(),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ux_rollup_counts_cell", "rollup_counts", list(DIMENSIONS), unique=True)
    op.create_table(
        "rollup_marks",
        sa.Column("case_id", sa.Integer(), autoincrement=False, nullable=False),
        *_cell_columns(),
        sa.PrimaryKeyConstraint("case_id"),
    )
    _fill(op.get_bind())


def downgrade():
    op.drop_table("rollup_marks")
    op.drop_index("ux_rollup_counts_cell", table_name="rollup_counts")
    op.drop_table("rollup_counts")
