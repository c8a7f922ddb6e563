"""National releases: each period's protected national table, computed by a worker and
stored (national/stored.py), so the national page and API read it instead of solving it;
and the rollups' log of quarters whose national counts moved, which keeps them current

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
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("computed_at", avvikelse.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("period"),
    )
    op.create_table(
        "rollup_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.String(8), nullable=False),
        sa.Column("logged_at", avvikelse.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_rollup_changes_quarter", "rollup_changes", ["quarter"])


def downgrade():
    op.drop_index("ix_rollup_changes_quarter", table_name="rollup_changes")
    op.drop_table("rollup_changes")
    op.drop_table("national_releases")
