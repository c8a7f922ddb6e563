"""The warm pass's marks: when it last protected each scope's page of a period

Revision ID: f1a4c8e2d350
Revises: a7c3e9d2f410
Create Date: 2026-12-01 03:00:00

At national size a pass protects a few hundred pages of 1-3 s each, longer than its
interval; with these marks it skips the scopes no event has touched since.
"""
from alembic import op
import sqlalchemy as sa

import avvikelse.core.models


# revision identifiers, used by Alembic.
revision = 'f1a4c8e2d350'
down_revision = 'a7c3e9d2f410'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "forum_warm_marks",
        sa.Column("scope", sa.String(length=17), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("warmed_at", avvikelse.core.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("scope", "period"),
    )


def downgrade():
    op.drop_table("forum_warm_marks")
