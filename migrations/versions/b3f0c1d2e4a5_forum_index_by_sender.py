"""The forum's index leads with the sender: a county's period, not the country's

Revision ID: b3f0c1d2e4a5
Revises: a6c2e5d9f140
Create Date: 2026-11-30 20:30:00

The forum's figures count one samverkan's cases of one period. The old index led with
the report time, so every grouped query read the whole installation's period and kept
the county's few percent: at 5 000 000 cases over 21 counties a quarter's summary read
125 000 index entries to count 3 600. Led by the sender organisation, the same query is
one index range per organisation of the county (avvikelse/forum/models.py). The status
and the units join the index so that merged duplicates are left out, and the units
counted, without reading the rows; on PostgreSQL the answer times and clocks are carried
too (INCLUDE), so that the answers-and-open pass reads no case row either.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b3f0c1d2e4a5'
down_revision = 'a6c2e5d9f140'
branch_labels = None
depends_on = None

COLUMNS = ['sender_organisation_id', 'reported_at', 'receiver_organisation_id', 'category', 'kind', 'serious',
           'consequence', 'probability', 'status', 'sender_unit_id', 'receiver_unit_id']
#: what the answers-and-open pass reads, carried in the index on PostgreSQL (INCLUDE)
CARRIED = ['received_at', 'answered_at', 'due_at', 'closed_at', 'awaiting_info_since', 'outcome']
OLD = ['reported_at', 'sender_organisation_id', 'receiver_organisation_id', 'category', 'kind', 'serious',
       'consequence', 'probability']


def upgrade():
    op.create_index('ix_cases_forum_scope', 'cases', COLUMNS, unique=False, postgresql_include=CARRIED)
    op.drop_index('ix_cases_forum_period', table_name='cases')


def downgrade():
    op.create_index('ix_cases_forum_period', 'cases', OLD, unique=False)
    op.drop_index('ix_cases_forum_scope', table_name='cases')
