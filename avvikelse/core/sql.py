"""Dialect-specific inserts: the database decides who did something first."""
from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from avvikelse.extensions import db

#: INSERT … ON CONFLICT, which both databases we run on speak
_UPSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert(table, dialect: str | None = None):
    """An INSERT that takes `.on_conflict_do_update()` / `.on_conflict_do_nothing()`, in
    the `dialect` named (a given connection's), or the app's engine's."""
    return _UPSERT[dialect or db.engine.dialect.name](table)


def insert_new(model, rows: list[dict], key: tuple[str, ...]) -> list[tuple]:
    """Insert `rows`, skipping those whose unique `key` already exists (another pass or
    worker won); return the `key` values of the rows this call inserted, with their ids.

    PostgreSQL and SQLite do it in one statement (ON CONFLICT DO NOTHING RETURNING): a
    concurrent inserter of the same key waits for ours to commit, then inserts nothing.
    Other databases fall back to one SAVEPOINT per row, catching the IntegrityError.
    """
    if not rows:
        return []
    table = model.__table__
    columns = [table.c.id, *(table.c[name] for name in key)]
    # Core on the session's connection: same transaction, none of the ORM's per-row
    # bookkeeping, and one cached statement run as "insertmanyvalues" batches.
    conn = db.session.connection()
    if conn.dialect.name in _UPSERT:
        stmt = _UPSERT[conn.dialect.name](table).on_conflict_do_nothing().returning(*columns)
        return [tuple(r) for r in conn.execute(stmt, rows)]
    won = []
    for row in rows:
        try:
            with db.session.begin_nested():
                won.append(tuple(conn.execute(insert(table).values(row).returning(*columns)).one()))
        except IntegrityError:
            continue
    return won
