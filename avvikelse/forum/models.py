"""Snapshots for meetings, builds of a summary, and cases brought to the forum."""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvikelse.accounts.models import User
from avvikelse.cases.models import Case
from avvikelse.core.clock import now_utc
from avvikelse.core.models import UTCDateTime
from avvikelse.extensions import db

# The forum counts one samverkan's cases of one period: the cases its organisations sent
# within the period, led by the sender so that a county's period is a few index ranges
# (one per organisation) and not the whole country's period filtered down (at national
# size a county's quarter is a few percent of Sweden's). The grouped columns follow, and
# the status (merged duplicates are not counted) and the units, so SQLite answers those
# breakdowns from the index alone and PostgreSQL with an index-only scan; on PostgreSQL
# the answer times and clocks ride along too (INCLUDE), so the answers-and-open pass
# reads no case row either. Cost follows the county's period: 3 600 entries for Jämtland's quarter at
# 5 000 000 cases, the 140 000 of Sweden's quarter never read.
Index(
    "ix_cases_forum_scope",
    Case.__table__.c.sender_organisation_id,
    Case.__table__.c.reported_at,
    Case.__table__.c.receiver_organisation_id,
    Case.__table__.c.category,
    Case.__table__.c.kind,
    Case.__table__.c.serious,
    Case.__table__.c.consequence,
    Case.__table__.c.probability,
    Case.__table__.c.status,
    Case.__table__.c.sender_unit_id,
    Case.__table__.c.receiver_unit_id,
    # and, carried along on PostgreSQL, what the answers-and-open pass reads
    postgresql_include=["received_at", "answered_at", "due_at", "closed_at", "awaiting_info_since", "outcome"],
)


class Snapshot(db.Model):
    """A summary frozen for a meeting: the figures as they were, never recomputed."""

    __tablename__ = "forum_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(8))
    meeting_on: Mapped[date]
    notes: Mapped[str] = mapped_column(Text, default="")
    #: the filters the summary was made with ({} for all)
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    #: the figures as published then (disclosure control applied), never recomputed;
    #: a snapshot saved before that has raw figures, hidden wholesale when shown
    figures: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: the samverkan (län code) whose forum saved it: only its forum sees it
    county_code: Mapped[str | None] = mapped_column(String(8), index=True)

    created_by: Mapped[User] = relationship()


class Build(db.Model):
    """A summary built by a worker, with progress the page polls."""

    __tablename__ = "forum_builds"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(8))
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    #: pending | running | done | failed
    status: Mapped[str] = mapped_column(String(16), default="pending")
    #: 0–100
    progress: Mapped[int] = mapped_column(Integer, default=0)
    figures: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: None when beat started it
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: the samverkan (län code) whose forum it is built for
    county_code: Mapped[str | None] = mapped_column(String(8), index=True)


class ForumItem(db.Model):
    """A case a handler or MAS brought to the forum, with text written for the forum.

    Only this text and coarse facts of the case (quarter, category, kind, direction,
    risk level) are ever shown to the forum: no reference, name, or case free text.
    """

    __tablename__ = "forum_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: the quarter of the case, kept so listing needs no join on case columns
    period: Mapped[str] = mapped_column(String(8), index=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)

    case: Mapped[Case] = relationship()
    author: Mapped[User] = relationship()


class SolvedPattern(db.Model):
    """A protected pattern as the disclosure search found it, stored by what it was
    solved from (forum/patterns.py): any process protecting the same counts reads it
    instead of solving again. Content-addressed, so never stale: other counts are
    another digest. No count is stored: the key is a keyed hash, and the values are
    computed again from the counts of the one who asks."""

    __tablename__ = "forum_patterns"

    #: HMAC-SHA256 (the app's secret key) of the release's key (label, threshold,
    #: organisations, categories, counts) and patterns.VERSION
    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: JSON: the hidden cells, their proven widths and moves, and any unproven
    pattern: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: the last day it was read (touched at most once a day); pruned when old
    used_on: Mapped[date] = mapped_column(index=True)
    #: its period had not ended when it was solved: its counts were still moving, so it
    #: is soon replaced by another digest, and pruned after a few days unused
    running: Mapped[bool] = mapped_column(Boolean, default=False)


class WarmMark(db.Model):
    """When the warm pass last protected a scope's page of a period (forum/warming.py):
    the next pass skips it while no event has touched the scope since."""

    __tablename__ = "forum_warm_marks"

    #: a county's code, or two joined in code order ("22-23": the cases between them)
    scope: Mapped[str] = mapped_column(String(17), primary_key=True)
    period: Mapped[str] = mapped_column(String(8), primary_key=True)
    #: the start of the pass that protected it
    warmed_at: Mapped[datetime] = mapped_column(UTCDateTime)
