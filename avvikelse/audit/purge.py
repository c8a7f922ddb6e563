"""The only removal from the access log: rows older than the retention period.

The cut-off is computed here from the setting and can never be later than "now minus
the retention period", so nothing younger is ever purged. On PostgreSQL the trigger
(`guard.py`) checks the same cut-off again, in the database.
"""
from datetime import datetime

from sqlalchemy import delete, text

from avvikelse.audit.models import AccessLog, AccessReview
from avvikelse.extensions import db


def cutoff(now: datetime, years: int) -> datetime:
    if years < 1:
        raise ValueError("access log retention must be at least one year")
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def purge_access_log(now: datetime, years: int) -> int:
    before = cutoff(now, years)
    old = db.select(AccessLog.id).where(AccessLog.at < before)
    db.session.execute(delete(AccessReview).where(AccessReview.access_log_id.in_(old)))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT set_config('avvikelse.purge_before', :cut, true)"),
                           {"cut": before.isoformat()})
    result = db.session.execute(
        delete(AccessLog).where(AccessLog.at < before),
        execution_options={"access_log_purge": True, "synchronize_session": False},
    )
    return result.rowcount or 0
