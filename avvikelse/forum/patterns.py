"""Protected patterns stored by what they were solved from, shared by every process.

Finding a release's pattern (disclosure.py) takes seconds for a county's quarter and up
to minutes for its year at national size; the release's in-process cache (release.py)
is lost on every restart and not shared between web workers. So a solved pattern is
also stored in the database under a digest of the release's key, which holds all the
solve depends on (label, threshold, organisations, categories, the counts) and VERSION:
any process protecting the same counts reads the pattern instead of solving. Nothing
is invalidated: changed counts are another key, another digest. The workers warm the
store (workers/forum.py), and the retention pass prunes rows no one read for long.

What a row gives away: nothing about the counts. The digest is keyed (HMAC with the
app's secret key), so it cannot be tried against guessed counts; the pattern is stored
without its values (the reader computes them from its own counts), only which cells
are hidden and each hidden cell's proof (its moves and proven width).

Reads and writes go through a connection of their own and commit at once, so a page
shown in a request that never commits still stores what it solved, and a store that
fails (a missing table, a lock) costs a solve, never the page. Not on in-memory SQLite
(tests), whose one connection is the session's: there they join the session.
"""
import hashlib
import json
import logging
from contextlib import contextmanager
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from avvikelse.core.clock import now_utc
from avvikelse.core.crypto import secret_digest
from avvikelse.core.sql import upsert
from avvikelse.extensions import db
from avvikelse.forum import disclosure
from avvikelse.forum.models import SolvedPattern
from avvikelse.forum.periods import PeriodError, parse

log = logging.getLogger(__name__)

#: part of every digest: raise it when release.py or disclosure.py would protect the same
#: counts differently (or lay out the grid's groups differently), and every stored
#: pattern is solved again (the old rows age out)
VERSION = 1


def _plain(value):
    """The key as JSON values: tuples as lists, the directory as its (code, (name, kind))."""
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if hasattr(value, "by_code"):  # release.Orgs
        return ["orgs", _plain(value.by_code)]
    return value


def digest(key: tuple) -> str:
    payload = json.dumps([VERSION, _plain(key)], separators=(",", ":"), ensure_ascii=False)
    return secret_digest(payload)


def _tuples(value):
    # Recurse only into lists: a stored pattern's tens of thousands of leaves (group ids,
    # move tags) are most of a first read's work otherwise.
    if type(value) is not list:
        return value
    return tuple([_tuples(v) if type(v) is list else v for v in value])


def _layout(keys) -> str:
    """The published cells as group ids (no count): a stored pattern whose cells are not
    the asker's was laid out by other code, and is not used."""
    return hashlib.sha256(repr(sorted(keys)).encode()).hexdigest()[:16]


def dumps(pattern: disclosure.Pattern, keys) -> str:
    """The pattern without its values; each distinct move once (a move proves every
    hidden cell it touches)."""
    table: dict = {}
    moves = [[list(k), [table.setdefault(m, len(table)) for m in ms]] for k, ms in sorted(pattern.moves.items())]
    return json.dumps({"cells": _layout(keys), "hidden": sorted(pattern.hidden),
                       "widths": sorted([k, w] for k, w in pattern.widths.items()),
                       "moves": moves, "table": list(table), "unproven": sorted(pattern.unproven)},
                      separators=(",", ":"))


def loads(text: str, problem: disclosure.Problem) -> disclosure.Pattern | None:
    data = json.loads(text)
    if data.get("cells") != _layout(problem.keys):
        return None
    table = [_tuples(m) for m in data["table"]]
    return disclosure.Pattern(
        disclosure.values(problem), {_tuples(k) for k in data["hidden"]},
        {_tuples(k): w for k, w in data["widths"]},
        {_tuples(k): [table[i] for i in ms] for k, ms in data["moves"]},
        {_tuples(k) for k in data["unproven"]})


def _enabled() -> bool:
    return has_app_context() and current_app.config.get("FORUM_PATTERN_STORE", True)


@contextmanager
def _connection():
    if isinstance(db.engine.pool, StaticPool):  # in-memory SQLite: one connection, the session's
        with db.session.begin_nested():
            yield db.session.connection()
        return
    with db.engine.begin() as conn:
        yield conn


def _running(label: str, now: datetime) -> bool:
    try:
        return parse(label).end > now
    except PeriodError:
        return False


def load(key: tuple, label: str, problem: disclosure.Problem) -> disclosure.Pattern | None:
    """The stored pattern of `key`, or None: not stored yet (or unusable, or no store)."""
    if not _enabled():
        return None
    now = now_utc()
    today = now.date()
    table = SolvedPattern.__table__
    try:
        with _connection() as conn:
            found = conn.execute(select(table.c.digest, table.c.pattern, table.c.used_on, table.c.running)
                                 .where(table.c.digest == digest(key))).first()
            if found is None:
                return None
            pattern = loads(found.pattern, problem)
            # touched at most once a day; a period that has ended since keeps its row long
            if pattern is not None and (found.used_on < today or (found.running and not _running(label, now))):
                conn.execute(update(table).where(table.c.digest == found.digest)
                             .values(used_on=today, running=_running(label, now)))
            return pattern
    except SQLAlchemyError as exc:
        log.warning("stored forum pattern not read: %s", type(exc).__name__)
        return None


def save(key: tuple, label: str, pattern: disclosure.Pattern, problem: disclosure.Problem) -> None:
    """Store a solved pattern. Two processes solving the same counts at once store the
    same pattern: the later one replaces the earlier (and a row that was unusable)."""
    if not _enabled():
        return
    now = now_utc()
    running = _running(label, now)
    table = SolvedPattern.__table__
    try:
        with _connection() as conn:
            stmt = upsert(table).values(digest=digest(key), pattern=dumps(pattern, problem.keys),
                                        computed_at=now, used_on=now.date(), running=running)
            conn.execute(stmt.on_conflict_do_update(index_elements=[table.c.digest], set_={
                "pattern": stmt.excluded.pattern, "computed_at": stmt.excluded.computed_at,
                "used_on": stmt.excluded.used_on, "running": stmt.excluded.running}))
    except SQLAlchemyError as exc:
        log.warning("forum pattern not stored: %s", type(exc).__name__)


def prune(now: datetime, keep_days: int, running_keep_days: int) -> int:
    """Delete the patterns not read for `keep_days` (a running period's, whose counts
    have moved on, after `running_keep_days`). The caller commits."""
    today = now.date()
    found = db.session.execute(delete(SolvedPattern).where(or_(
        SolvedPattern.used_on < today - timedelta(days=keep_days),
        SolvedPattern.running & (SolvedPattern.used_on < today - timedelta(days=running_keep_days))
    )).execution_options(synchronize_session=False))
    return found.rowcount or 0
