"""Human references AV-YYYY-NNNNNN, unique and never reused."""
from avvikelse.cases.models import ReferenceCounter
from avvikelse.core.sql import upsert
from avvikelse.extensions import db


def next_reference(year: int) -> str:
    """One statement, insert-or-increment: the row lock queues concurrent filings, and
    the first two filings of a new year cannot both insert the counter (they did, with
    a select-then-insert, when the database restarted under load)."""
    stmt = upsert(ReferenceCounter).values(year=year, last=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[ReferenceCounter.year], set_={"last": ReferenceCounter.last + 1}
    ).returning(ReferenceCounter.last)
    # On the session's connection (its transaction), as plain Core: the ORM's DML path
    # (bulk machinery, an autoflush) cost twice as much, and this table has no objects.
    number = db.session.connection().execute(stmt).scalar_one()
    return f"AV-{year}-{number:06d}"
