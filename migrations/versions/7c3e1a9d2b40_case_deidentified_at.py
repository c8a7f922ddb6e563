"""cases.deidentified_at: when retention de-identified a closed case

Revision ID: 7c3e1a9d2b40
Revises: 5dfc419d514a
Create Date: 2026-11-23 17:30:00

Existing rows get NULL, so the next retention pass also empties the free text of cases
that an earlier pass only stripped of the patient identifier.
"""
from alembic import op
import sqlalchemy as sa

import avvikelse.core.models  # custom column types (UTCDateTime)


# revision identifiers, used by Alembic.
revision = '7c3e1a9d2b40'
down_revision = '5dfc419d514a'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('cases', sa.Column(
        'deidentified_at', avvikelse.core.models.UTCDateTime(timezone=True), nullable=True))
    op.create_index('ix_cases_retention', 'cases', ['status', 'deidentified_at', 'closed_at'],
                    unique=False)


def downgrade():
    op.drop_index('ix_cases_retention', table_name='cases')
    # SQLite 3.35+ drops a column in place (no index uses it any more).
    op.drop_column('cases', 'deidentified_at')
