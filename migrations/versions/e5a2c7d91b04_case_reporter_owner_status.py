"""Cases by reporter and by owner: per status, and those awaiting an answer by due day

Revision ID: e5a2c7d91b04
Revises: c9e1f7a3b2d6
Create Date: 2026-11-30 23:40:00

The sent box's "own reports" branch and "Mina ärenden" count their cases per status and
list their overdue ones; with only the paging indexes (reporter or owner, then date)
each count read all of the person's cases, or all of the organisation's of a status.
The awaiting ones are partial, as the organisations' are (ix_cases_*_awaiting).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a2c7d91b04'
down_revision = 'c9e1f7a3b2d6'
branch_labels = None
depends_on = None

# models.AWAITING_ANSWER as at this revision.
AWAITING_ANSWER = sa.text("status IN ('received', 'investigating', 'disputed')")


def upgrade():
    op.create_index("ix_cases_reporter_status", "cases", ["reporter_id", "status"])
    op.create_index("ix_cases_owner_status", "cases", ["owner_id", "status"])
    op.create_index("ix_cases_reporter_awaiting", "cases", ["reporter_id", "due_at", "id"],
                    sqlite_where=AWAITING_ANSWER, postgresql_where=AWAITING_ANSWER)
    op.create_index("ix_cases_owner_awaiting", "cases", ["owner_id", "due_at", "id"],
                    sqlite_where=AWAITING_ANSWER, postgresql_where=AWAITING_ANSWER)


def downgrade():
    op.drop_index("ix_cases_owner_awaiting", table_name="cases")
    op.drop_index("ix_cases_reporter_awaiting", table_name="cases")
    op.drop_index("ix_cases_owner_status", table_name="cases")
    op.drop_index("ix_cases_reporter_status", table_name="cases")
