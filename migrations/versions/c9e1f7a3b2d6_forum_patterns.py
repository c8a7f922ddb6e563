"""The forum's protected patterns, stored by what they were solved from

Revision ID: c9e1f7a3b2d6
Revises: b3f0c1d2e4a5
Create Date: 2026-11-30 21:00:00

Protecting a county's quarter takes seconds and a year up to minutes at national size,
and the only cache was each process's own. A pattern is now stored under a keyed hash
of the counts it protects (avvikelse/forum/patterns.py), warmed by the workers, so a
web process after a restart reads it instead of solving again.
"""
from alembic import op
import sqlalchemy as sa

import avvikelse.core.models


# revision identifiers, used by Alembic.
revision = 'c9e1f7a3b2d6'
down_revision = 'b3f0c1d2e4a5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "forum_patterns",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("pattern", sa.Text(), nullable=False),
        sa.Column("computed_at", avvikelse.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_on", sa.Date(), nullable=False),
        sa.Column("running", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("digest"),
    )
    op.create_index("ix_forum_patterns_used_on", "forum_patterns", ["used_on"])


def downgrade():
    op.drop_index("ix_forum_patterns_used_on", table_name="forum_patterns")
    op.drop_table("forum_patterns")
