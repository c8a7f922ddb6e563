"""The full-text index of what was written on each case, and the searches people save.

`case_search` holds one row per case: on PostgreSQL a `tsvector` (the `swedish`
configuration over stemming.py's words) with a GIN index; on SQLite the words as text,
mirrored by triggers into the FTS5 table `case_search_fts` (external content, so the
words are stored once). Nothing from the patient's identity is ever put in it, and
retention deletes a case's row with its free text (retention/services.py).
"""
from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, String, Text, event
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from avvikelse.core.clock import now_utc
from avvikelse.core.models import UTCDateTime
from avvikelse.extensions import db

#: the SQLite side of the index, beside `case_search`: not in the ORM's metadata (FTS5
#: tables are virtual), so migrations/env.py and the migration test leave these alone
SQLITE_FTS_TABLE = "case_search_fts"
SQLITE_TABLES = (SQLITE_FTS_TABLE, *(f"case_search_fts_{part}" for part in ("data", "idx", "docsize", "config", "content")))

#: FTS5 over case_search.document; å, ä and ö are letters of their own in Swedish
SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE case_search_fts USING fts5(
        document, content='case_search', content_rowid='case_id',
        tokenize='unicode61 remove_diacritics 0')""",
    """CREATE TRIGGER case_search_ai AFTER INSERT ON case_search BEGIN
        INSERT INTO case_search_fts(rowid, document) VALUES (new.case_id, new.document); END""",
    """CREATE TRIGGER case_search_ad AFTER DELETE ON case_search BEGIN
        INSERT INTO case_search_fts(case_search_fts, rowid, document)
        VALUES ('delete', old.case_id, old.document); END""",
    """CREATE TRIGGER case_search_au AFTER UPDATE ON case_search BEGIN
        INSERT INTO case_search_fts(case_search_fts, rowid, document)
        VALUES ('delete', old.case_id, old.document);
        INSERT INTO case_search_fts(rowid, document) VALUES (new.case_id, new.document); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS case_search_ai",
    "DROP TRIGGER IF EXISTS case_search_ad",
    "DROP TRIGGER IF EXISTS case_search_au",
    "DROP TABLE IF EXISTS case_search_fts",
]


GIN_INDEX = "ix_case_search_document"


def autogenerate_filters(dialect: str) -> dict:
    """For Alembic's comparison of models and database (migrations/env.py, the migration
    test): the FTS5 tables exist on SQLite beside the models, the GIN index on PostgreSQL
    only."""
    def include_name(name, type_, _parents) -> bool:
        return not (type_ == "table" and name in SQLITE_TABLES)

    def include_object(_obj, name, type_, _reflected, _compare_to) -> bool:
        return not (type_ == "index" and name == GIN_INDEX and dialect != "postgresql")

    return {"include_name": include_name, "include_object": include_object}


class CaseSearch(db.Model):
    """A case's words: what people wrote on it, stemmed (search/stemming.py)."""

    __tablename__ = "case_search"
    __table_args__ = (
        Index(GIN_INDEX, "document", postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True, autoincrement=False)
    document: Mapped[str] = mapped_column(TSVECTOR().with_variant(Text(), "sqlite"))


for _statement in SQLITE_CREATE:
    event.listen(CaseSearch.__table__, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in SQLITE_DROP:
    event.listen(CaseSearch.__table__, "before_drop", DDL(_statement).execute_if(dialect="sqlite"))


class SavedSearch(db.Model):
    """A person's named search: the list's query string, theirs alone."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: the search page's query string, as search/filters.py writes it (no cursor)
    query: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
