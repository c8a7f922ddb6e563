"""Human references AV-YYYY-NNNNNN, unique and never reused."""
from functools import cache

from sqlalchemy import bindparam

from avvikelse.cases.models import ReferenceCounter
from avvikelse.core.sql import upsert
from avvikelse.extensions import db


def next_reference(year: int) -> str:
    """One statement, insert-or-increment: the row lock queues concurrent filings, and
    the first two filings of a new year cannot both insert the counter (they did, with
    a select-then-insert, when the database restarted under load)."""
    # On the session's connection (its transaction), as plain Core: the ORM's DML path
    # (bulk machinery, an autoflush) cost twice as much, and this table has no objects.
    connection = db.session.connection()
    number = connection.execute(_increment(connection.dialect.name), {"year": year}).scalar_one()
    return f"AV-{year}-{number:06d}"


@cache
def _increment(dialect: str):
    """The statement, built once per dialect: building it cost as much as running it."""
    table = ReferenceCounter.__table__
    return (upsert(table, dialect).values(year=bindparam("year"), last=1)
            .on_conflict_do_update(index_elements=[table.c.year], set_={"last": table.c.last + 1})
            .returning(table.c.last))
