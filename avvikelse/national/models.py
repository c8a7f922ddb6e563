"""The stored national release of each period, and marking it stale.

This module imports nothing of the national summary, so the rollups can mark a release
stale without importing what reads them (national/counts.py reads the rollups).
"""
from datetime import datetime

from sqlalchemy import JSON, String, update
from sqlalchemy.orm import Mapped, mapped_column

from avvikelse.core.models import UTCDateTime
from avvikelse.extensions import db

#: the rollup dimensions the national table counts by: a case moved in any of them
#: changes the national counts of its old and new quarter (its status, answer etc. do not)
COUNTED = ("quarter", "sender_organisation_id", "receiver_organisation_id", "agreement_version_id",
           "category", "event_type", "consequence")

FRESH, STALE, REFRESHING = "fresh", "stale", "refreshing"


class NationalRelease(db.Model):
    """One period's (a quarter's or a year's) national figures as published: only the
    protected values, "x" for a hidden one, never a count behind it (national/stored.py)."""

    __tablename__ = "national_releases"

    #: "2026Q3" or "2026"
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    #: fresh; stale (its counts changed since); refreshing (a worker is on it)
    status: Mapped[str] = mapped_column(String(16))
    #: a keyed hash of the counts, counties and threshold it was protected from
    fingerprint: Mapped[str] = mapped_column(String(64))
    #: the period's own tables, its counties and the disclosure (no trend: each quarter's
    #: own row is quoted for that)
    figures: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)


def year_of(label: str) -> str:
    return label[:4]


def mark_stale(quarters: set[str]) -> None:
    """The stored releases these quarters' counts feed (each quarter's, and its year's)
    need computing again. Rows already stale are left alone: no write, no lock, however
    many cases change before a worker gets to them."""
    labels = set(quarters) | {year_of(q) for q in quarters}
    db.session.execute(update(NationalRelease)
                       .where(NationalRelease.period.in_(sorted(labels)), NationalRelease.status != STALE)
                       .values(status=STALE).execution_options(synchronize_session=False))
