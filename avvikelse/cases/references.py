"""Human references AV-YYYY-NNNNNN, unique and never reused."""
from sqlalchemy import insert, select, update

from avvikelse.cases.models import ReferenceCounter
from avvikelse.extensions import db


def next_reference(year: int) -> str:
    # The UPDATE takes the row lock, so concurrent filings queue here for a moment
    # instead of racing to the same number.
    bumped = db.session.execute(
        update(ReferenceCounter).where(ReferenceCounter.year == year).values(last=ReferenceCounter.last + 1)
    )
    if bumped.rowcount == 0:
        db.session.execute(insert(ReferenceCounter).values(year=year, last=1))
    number = db.session.scalar(select(ReferenceCounter.last).where(ReferenceCounter.year == year))
    return f"AV-{year}-{number:06d}"
