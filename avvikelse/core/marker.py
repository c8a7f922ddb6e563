"""A change marker for the data the filing form shows: the directory (counties,
organisations, units, a person's units), the agreements and the legal bases.

Every write to those tables (any INSERT, UPDATE or DELETE statement SQLAlchemy runs on
them: a flush, a bulk statement, insert_new, the CLI) sets the marker's row to a new
random token in the same transaction, once per transaction. A process
keeps what it built from that data under the token it read first (one small statement
per request), so a change committed by any process (the other gunicorn worker, the
CLI, an import) is seen by the next request everywhere. A random token, not a counter:
a table emptied and filled again (a restore, a test) never brings back an old key. No
row (a schema made without the migration, or emptied) reads as None: nothing is kept.
"""
import uuid
import weakref

from flask import current_app
from sqlalchemy import String, bindparam, event, inspect, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.dml import UpdateBase

from avvikelse.core.sql import upsert
from avvikelse.extensions import db

DIRECTORY = "directory"

#: The tables whose rows the filing form shows, by name (no import of their domains).
WATCHED = frozenset({
    "samverkan", "organisations", "units", "user_units",
    "agreements", "agreement_versions", "agreement_extensions", "agreement_clauses",
    "agreement_categories", "category_clauses", "agreement_setting_changes",
    "legal_bases",
})
#: A person's row counts only where it changes which units they report from (the units
#: themselves are rows of user_units, watched).
_USER_ATTRIBUTES = ("organisation_id", "organisation")
_PENDING = "avvikelse.marker_pending"


class ChangeMarker(db.Model):
    __tablename__ = "change_markers"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


def read(name: str = DIRECTORY) -> str | None:
    """The marker's token now, or None (then nothing may be kept). Core on the session's
    connection (same transaction): the ORM's execution path would cost more than the
    statement, which runs on every filing form."""
    return db.session.connection().execute(_READ, {"name": name}).scalar()


_TABLE = ChangeMarker.__table__
_READ = select(_TABLE.c.token).where(_TABLE.c.name == bindparam("name"))


def kept(token: str | None, key, build, store: str, limit: int):
    """build() kept in the app's `store` under the marker's token read at the start of the
    request (read): any write to the watched tables, from any process, gives a new token,
    and the store's old entries go. Past `limit` entries the store starts over. No token:
    built every time."""
    if token is None:
        return build()
    app = current_app._get_current_object()
    found = app.extensions.get(store)
    if found is None or found[0] != token or len(found[1]) >= limit:
        found = app.extensions[store] = (token, {})
    value = found[1].get(key)
    if value is None:
        value = found[1][key] = build()
    return value


def bump(connection: Connection, name: str = DIRECTORY) -> None:
    """A new token, in the connection's transaction."""
    if not _has_table(connection):
        return
    token = uuid.uuid4().hex
    stmt = upsert(ChangeMarker.__table__, connection.dialect.name)
    connection.execute(
        stmt.values(name=name, token=token).on_conflict_do_update(index_elements=["name"], set_={"token": token}))


#: The engines whose database has the table (a schema older than its migration, being
#: upgraded step by step, has none, and nothing reads the marker there).
_WITH_TABLE: "weakref.WeakSet" = weakref.WeakSet()
#: On a connection's info: the transaction that has bumped already (one bump will do).
_BUMPED = "avvikelse.marker_bumped"


def _has_table(connection: Connection) -> bool:
    engine = connection.engine
    if engine in _WITH_TABLE:
        return True
    if not inspect(connection).has_table(ChangeMarker.__tablename__):
        return False
    _WITH_TABLE.add(engine)
    return True


def _bump_once(connection: Connection) -> None:
    transaction = connection.get_transaction()
    if transaction is not None and connection.info.get(_BUMPED) is transaction:
        return
    bump(connection)
    connection.info[_BUMPED] = transaction


def install() -> None:
    """Once per process: the hooks that bump the marker. Every INSERT, UPDATE or DELETE
    statement on a watched table is seen on its connection, whoever runs it (a flush, a
    bulk statement, insert_new, a CLI); a person's organisation or units, at the flush."""
    if event.contains(Engine, "before_execute", _on_execute):
        return
    event.listen(Engine, "before_execute", _on_execute)
    event.listen(Engine, "rollback_savepoint", _forget)
    event.listen(Session, "before_flush", _note_flush)
    event.listen(Session, "after_flush", _bump_after_flush)


def _on_execute(connection, clause, _multiparams, _params, _options):
    if isinstance(clause, UpdateBase) and getattr(clause.table, "name", None) in WATCHED:
        _bump_once(connection)


def _forget(connection, _name, _context):
    # The savepoint's bump is undone with it: the transaction's next write bumps again.
    connection.info.pop(_BUMPED, None)


def _person_changed(session: Session) -> bool:
    for obj in (*session.new, *session.dirty):
        if getattr(obj, "__tablename__", None) == "users":
            attrs = inspect(obj).attrs
            if any(attrs[a].history.has_changes() for a in _USER_ATTRIBUTES if a in attrs):
                return True
    return False


def _note_flush(session, _context, _instances):
    if _person_changed(session):
        session.info[_PENDING] = True


def _bump_after_flush(session, _context):
    if session.info.pop(_PENDING, False):
        _bump_once(session.connection())
