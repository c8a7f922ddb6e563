"""A change marker for the directory, agreements and legal bases

Revision ID: a7c3e9d2f410
Revises: e5a2c7d91b04
Create Date: 2026-12-01 03:20:00

The filing form keeps what it shows of the directory and the agreements per process,
under the marker's token, which every write to those tables replaces (core/marker.py).
The row is there from the start, so the first form is kept without a write first.
"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9d2f410'
down_revision = 'e5a2c7d91b04'
branch_labels = None
depends_on = None


def upgrade():
    markers = op.create_table(
        "change_markers",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.bulk_insert(markers, [{"name": "directory", "token": uuid.uuid4().hex}])


def downgrade():
    op.drop_table("change_markers")
