"""Partial indexes for the overdue answers above each list

Revision ID: b41f0c2e9d17
Revises: 7c3e1a9d2b40
Create Date: 2026-11-23 18:00:00

The list pages show the ten most overdue open cases of a box. Two statuses in one
ordered scan are otherwise a sort of the whole box; with these, the ten are the first
ten index entries whatever the box's size (avvikelse/cases/models.py, bench/inbox.py).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b41f0c2e9d17'
down_revision = '7c3e1a9d2b40'
branch_labels = None
depends_on = None

AWAITING_ANSWER = sa.text("status IN ('received', 'investigating')")


def upgrade():
    for name, column in (("ix_cases_receiver_awaiting", "receiver_organisation_id"),
                         ("ix_cases_sender_awaiting", "sender_organisation_id")):
        op.create_index(name, 'cases', [column, 'due_at', 'id'], unique=False,
                        sqlite_where=AWAITING_ANSWER, postgresql_where=AWAITING_ANSWER)


def downgrade():
    op.drop_index('ix_cases_sender_awaiting', table_name='cases')
    op.drop_index('ix_cases_receiver_awaiting', table_name='cases')
