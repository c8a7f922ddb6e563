"""Counties as data: each county's samverkan, organisations placed in their county, an
organisation's duties (region, kommun or both), the forum's snapshots and builds kept per
samverkan

Revision ID: d7c41e09a2b5
Revises: 82e5171b2f6a
Create Date: 2026-11-30 13:45:00

Existing organisations go into the samverkan of their county, the first two digits of
their code (Jämtland's: "23"), which runs in the installation; existing snapshots and
builds belong to that county's forum when the installation had one county.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7c41e09a2b5'
down_revision = '82e5171b2f6a'
branch_labels = None
depends_on = None

# SCB's county names, as at this revision (the directory's own copy may change later).
COUNTY_NAMES = {
    "01": "Stockholms län", "03": "Uppsala län", "04": "Södermanlands län", "05": "Östergötlands län",
    "06": "Jönköpings län", "07": "Kronobergs län", "08": "Kalmar län", "09": "Gotlands län",
    "10": "Blekinge län", "12": "Skåne län", "13": "Hallands län", "14": "Västra Götalands län",
    "17": "Värmlands län", "18": "Örebro län", "19": "Västmanlands län", "20": "Dalarnas län",
    "21": "Gävleborgs län", "22": "Västernorrlands län", "23": "Jämtlands län",
    "24": "Västerbottens län", "25": "Norrbottens län",
}


def upgrade():
    op.create_table('samverkan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_samverkan')),
    sa.UniqueConstraint('code', name=op.f('uq_samverkan_code'))
    )
    # Not a batch: on SQLite that copies the table, and dropping the old organisations
    # while users, units and cases point at them fails. A plain column (no foreign key,
    # which SQLite could neither add nor drop in place): the directory's code keeps it right.
    op.add_column('organisations', sa.Column('county_code', sa.String(length=8), nullable=True))
    op.create_index(op.f('ix_organisations_county_code'), 'organisations', ['county_code'], unique=False)
    with op.batch_alter_table('forum_snapshots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('county_code', sa.String(length=8), nullable=True))
        batch_op.create_index(batch_op.f('ix_forum_snapshots_county_code'), ['county_code'], unique=False)
    with op.batch_alter_table('forum_builds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('county_code', sa.String(length=8), nullable=True))
        batch_op.create_index(batch_op.f('ix_forum_builds_county_code'), ['county_code'], unique=False)

    conn = op.get_bind()
    samverkan = sa.table('samverkan', sa.column('code', sa.String), sa.column('name', sa.String),
                         sa.column('active', sa.Boolean))
    organisations = sa.table('organisations', sa.column('code', sa.String), sa.column('county_code', sa.String))
    prefixes = sorted({code[:2] for code in conn.execute(sa.select(organisations.c.code)).scalars()})
    if prefixes:
        op.bulk_insert(samverkan, [dict(code=p, name=COUNTY_NAMES.get(p, f"Län {p}"), active=True)
                                   for p in prefixes])
        for p in prefixes:
            conn.execute(organisations.update().where(organisations.c.code.like(f"{p}%"))
                         .values(county_code=p))
    if len(prefixes) == 1:
        for name in ('forum_snapshots', 'forum_builds'):
            table = sa.table(name, sa.column('county_code', sa.String))
            conn.execute(table.update().values(county_code=prefixes[0]))


def downgrade():
    with op.batch_alter_table('forum_builds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forum_builds_county_code'))
        batch_op.drop_column('county_code')
    with op.batch_alter_table('forum_snapshots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forum_snapshots_county_code'))
        batch_op.drop_column('county_code')
    op.drop_index(op.f('ix_organisations_county_code'), table_name='organisations')
    op.drop_column('organisations', 'county_code')
    op.drop_table('samverkan')
