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
    number = db.session.execute(stmt).scalar_one()
    return f"AV-{year}-{number:06d}"
