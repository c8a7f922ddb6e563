"""An index for the clock pass's complaints without a reply on their day

Revision ID: a6c2e5d9f140
Revises: f1d386f444e2
Create Date: 2026-11-30 18:00:00

Each clock pass looks for open complaints whose reply day has come and whose
complainant has no reply yet. Without an index that was a scan of every case ever
filed (77 ms a pass at 200 000 cases, and growing with each one); this one holds the
complaints only, by status and reply day, so the pass reads the open ones (4 ms at
1 000 000; avvikelse/escalation/clocks.py, bench/national.py).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6c2e5d9f140'
down_revision = 'f1d386f444e2'
branch_labels = None
depends_on = None

COMPLAINT_REPLY_DUE = sa.text("complaint_reply_due_on IS NOT NULL")


def upgrade():
    op.create_index('ix_cases_complaint_reply', 'cases', ['status', 'complaint_reply_due_on'], unique=False,
                    sqlite_where=COMPLAINT_REPLY_DUE, postgresql_where=COMPLAINT_REPLY_DUE)


def downgrade():
    op.drop_index('ix_cases_complaint_reply', table_name='cases')
