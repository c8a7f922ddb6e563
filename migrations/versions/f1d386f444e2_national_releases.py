"""National releases: each period's protected national table, computed by a worker and
stored (national/stored.py), so the national page and API read it instead of solving it

Revision ID: f1d386f444e2
Revises: e4b7a91c3f20
Create Date: 2026-11-30 17:45:00

Empty at first: the first read of a period computes it once, and the workers' refresh
stores the last completed quarter's.
"""
from alembic import op
import sqlalchemy as sa

import avvikelse.core.models  # custom column types (UTCDateTime)


# revision identifiers, used by Alembic.
revision = 'f1d386f444e2'
down_revision = 'e4b7a91c3f20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "national_releases",
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("computed_at", avvikelse.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("period"),
    )


def downgrade():
    op.drop_table("national_releases")
