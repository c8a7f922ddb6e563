"""The stored national release of each period (national/stored.py)."""
from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from avvikelse.core.models import UTCDateTime
from avvikelse.extensions import db


class NationalRelease(db.Model):
    """One period's (a quarter's or a year's) national figures as published: only the
    protected values, "x" for a hidden one, never a count behind them."""

    __tablename__ = "national_releases"

    #: "2026Q3" or "2026"
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    #: a keyed hash of the counts, counties and threshold it was protected from
    fingerprint: Mapped[str] = mapped_column(String(64))
    #: the period's own tables, its counties and the disclosure (no trend: each quarter's
    #: own row is quoted for that)
    figures: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
