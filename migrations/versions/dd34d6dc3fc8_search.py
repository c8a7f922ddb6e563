"""Finding cases: the full-text index (tsvector + GIN on PostgreSQL, FTS5 on SQLite),
filled from the cases' text; saved searches

Revision ID: dd34d6dc3fc8
Revises: e77079a4fdc2
Create Date: 2026-12-01 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import avvikelse.core.models  # custom column types (UTCDateTime)
from avvikelse.search import index
from avvikelse.search.models import SQLITE_CREATE, SQLITE_DROP


# revision identifiers, used by Alembic.
revision = 'dd34d6dc3fc8'
down_revision = 'e77079a4fdc2'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == 'postgresql'
    op.create_table('case_search',
    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('document', postgresql.TSVECTOR() if postgres else sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_search_case_id_cases')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_search'))
    )
    if postgres:
        op.create_index('ix_case_search_document', 'case_search', ['document'], unique=False,
                        postgresql_using='gin')
    else:
        for statement in SQLITE_CREATE:
            op.execute(statement)
    op.create_table('saved_searches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('query', sa.String(length=1000), nullable=False),
    sa.Column('created_at', avvikelse.core.models.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_searches_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_searches'))
    )
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_searches_user_id'), ['user_id'], unique=False)
    # The cases already filed: their text, as the app indexes it from now on.
    index.rebuild(bind)


def downgrade():
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_searches_user_id'))
    op.drop_table('saved_searches')
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_case_search_document', table_name='case_search', postgresql_using='gin')
    else:
        for statement in SQLITE_DROP:
            op.execute(statement)
    op.drop_table('case_search')
