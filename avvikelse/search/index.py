"""Keeping the full-text index in step with what people write, and asking it.

What is indexed: a case's description, immediate action and proposal, its messages, its
answers' analyses and measures, and the notes people give with their actions. Never the
patient's identity, the complainant's contact, the note on a shared identity or a file's
name. Text on a case is only ever added, so each flush appends the new text's words to
the case's row, in the same transaction as the text itself (a session listener: filing,
actions, messages, imports and escalation steps all pass through it, whoever wrote them).
`rebuild` computes rows afresh (the migration, `flask search-index rebuild`), and
retention deletes a case's row with its free text (`forget`).
"""
from collections.abc import Iterable

from sqlalchemy import and_, bindparam, delete, event, func, literal_column, select, table, column, text
from sqlalchemy.orm import Session

from avvikelse.cases.models import Answer, Case, CaseEvent, Measure, Message
from avvikelse.cases.transitions import Action
from avvikelse.extensions import db
from avvikelse.search import stemming
from avvikelse.search.models import SQLITE_FTS_TABLE, CaseSearch

#: history notes that are what someone wrote on the case (not the identity's basis);
#: only a person's, never the system's own words
NOTED_ACTIONS = frozenset(a.value for a in Action) - {
    Action.SHARE_IDENTITY.value, Action.UNSHARE_IDENTITY.value, Action.PROTECT_IDENTITY.value}

_PENDING = "search_index"


def install() -> None:
    """The factory's step: the listener on every session. Once per process."""
    if not event.contains(Session, "before_flush", _collect):
        event.listen(Session, "before_flush", _collect)
        event.listen(Session, "after_flush", _write)
        event.listen(Session, "after_rollback", _discard)
        # Filing writes its case without a flush (cases/services.py): told directly.
        from avvikelse.cases import services

        services.TEXT_WRITTEN.append(_written)


def _written(connection, case: Case) -> None:
    _index(connection, [_texts(case)])


def _texts(obj) -> tuple[object, list[str]] | None:
    """(the case, or its id; the new text) for a new object that carries free text."""
    if isinstance(obj, Case):
        return obj, [obj.description, obj.immediate_action, obj.proposal]
    if isinstance(obj, Message):
        return obj.case if obj.case is not None else obj.case_id, [obj.body]
    if isinstance(obj, Answer):
        return (obj.case if obj.case is not None else obj.case_id,
                [obj.analysis, *(m.text for m in obj.measures)])
    if isinstance(obj, CaseEvent) and obj.note and obj.action in NOTED_ACTIONS and (
            obj.actor is not None or obj.actor_id is not None):  # a person's words, not the system's
        return obj.case if obj.case is not None else obj.case_id, [obj.note]
    return None


def _collect(session, _context, _instances) -> None:
    pending = session.info.setdefault(_PENDING, [])
    new_answers = [o for o in session.new if isinstance(o, Answer)]
    for obj in session.new:
        if isinstance(obj, Measure):
            if not any(obj in a.measures for a in new_answers) and obj.answer_id is not None:
                with session.no_autoflush:  # a measure added to an earlier answer
                    answer = session.get(Answer, obj.answer_id)
                if answer is not None:
                    pending.append((answer.case_id, [obj.text]))
            continue
        found = _texts(obj)
        if found is not None:
            pending.append(found)


def _write(session, _context) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        _index(session.connection(), pending)


def _index(connection, pending: list) -> None:
    """Append the words of each (case or case id, texts) to its case's row."""
    words: dict[int, list[str]] = {}
    for target, texts in pending:
        case_id = target if isinstance(target, int) or target is None else target.id
        if case_id is None:
            continue
        found = stemming.document(*texts)
        if found:
            words.setdefault(case_id, []).append(found)
    if words:
        append(connection, {case_id: " ".join(parts) for case_id, parts in words.items()})


def _discard(session) -> None:
    session.info.pop(_PENDING, None)


def append(connection, documents: dict[int, str]) -> None:
    """Add words to cases' rows (a row is made for a case that has none)."""
    rows = [{"case_id": k, "words": v} for k, v in documents.items()]
    if connection.dialect.name == "postgresql":
        connection.execute(text(
            "INSERT INTO case_search (case_id, document) VALUES (:case_id, to_tsvector('swedish', :words)) "
            "ON CONFLICT (case_id) DO UPDATE SET document = case_search.document || excluded.document"), rows)
    else:
        connection.execute(text(
            "INSERT INTO case_search (case_id, document) VALUES (:case_id, :words) "
            "ON CONFLICT (case_id) DO UPDATE SET document = case_search.document || ' ' || excluded.document"),
            rows)


def forget(connection, case_ids) -> int:
    """Delete the rows of `case_ids` (a SELECT of ids): their text was disposed of. On
    SQLite the FTS5 index is then merged, so the words leave its pages too."""
    removed = connection.execute(delete(CaseSearch).where(CaseSearch.case_id.in_(case_ids))).rowcount or 0
    if removed and connection.dialect.name == "sqlite":
        connection.execute(text("INSERT INTO case_search_fts(case_search_fts) VALUES ('optimize')"))
    return removed


# -- rebuilding ---------------------------------------------------------------------------

def _documents(connection, case_ids: list[int]) -> dict[int, str]:
    """Every indexed text of these cases, read with plain SQL (also from a migration)."""
    cases, messages = table("cases", column("id"), column("description"), column("immediate_action"),
                            column("proposal")), table("case_messages", column("case_id"), column("body"))
    answers = table("case_answers", column("id"), column("case_id"), column("analysis"))
    measures = table("case_measures", column("answer_id"), column("text"))
    events = table("case_events", column("case_id"), column("action"), column("note"), column("actor_id"))
    texts: dict[int, list[str]] = {i: [] for i in case_ids}
    for row in connection.execute(select(cases).where(cases.c.id.in_(case_ids)).order_by(cases.c.id)):
        texts[row.id] += [row.description, row.immediate_action, row.proposal]
    for case_id, body in connection.execute(select(messages).where(messages.c.case_id.in_(case_ids))):
        texts[case_id].append(body)
    for case_id, analysis in connection.execute(
            select(answers.c.case_id, answers.c.analysis).where(answers.c.case_id.in_(case_ids))):
        texts[case_id].append(analysis)
    for case_id, measure in connection.execute(
            select(answers.c.case_id, measures.c.text).join(measures, measures.c.answer_id == answers.c.id)
            .where(answers.c.case_id.in_(case_ids))):
        texts[case_id].append(measure)
    for case_id, note in connection.execute(
            select(events.c.case_id, events.c.note).where(
                events.c.case_id.in_(case_ids), events.c.note.is_not(None), events.c.actor_id.is_not(None),
                events.c.action.in_(sorted(NOTED_ACTIONS)))):
        texts[case_id].append(note)
    return {i: stemming.document(*t) for i, t in texts.items()}


def rebuild(connection, case_ids: Iterable[int] | None = None, chunk: int = 2000,
            skip_disposed: bool = True) -> int:
    """Compute the rows of these cases (all cases when None) afresh. A case whose text was
    disposed of gets no row. Returns how many rows were written."""
    cases = table("cases", column("id"), column("text_disposed_at"))
    if case_ids is None:
        stmt = select(cases.c.id).order_by(cases.c.id)
        if skip_disposed:
            stmt = stmt.where(cases.c.text_disposed_at.is_(None))
        case_ids = list(connection.scalars(stmt))
    else:
        case_ids = list(case_ids)
    written = 0
    for start in range(0, len(case_ids), chunk):
        part = case_ids[start:start + chunk]
        connection.execute(delete(CaseSearch).where(CaseSearch.case_id.in_(part)))
        documents = {k: v for k, v in _documents(connection, part).items() if v}
        if documents:
            append(connection, documents)
        written += len(documents)
    return written


# -- asking -------------------------------------------------------------------------------

def _fts():
    return table(SQLITE_FTS_TABLE, column("rowid"))


def _fts_query(words: list[str]) -> str:
    """An FTS5 query that means "all these words": each one quoted, so that nothing a
    person typed is read as FTS5 syntax (AND, OR, NEAR, *, ^, column filters)."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def _tsquery(words: list[str]):
    """PostgreSQL: all these words, through the swedish configuration as the index was;
    plainto_tsquery reads no operators."""
    return func.plainto_tsquery(literal_column("'swedish'"),
                                bindparam("search_words", unique=True, value=" ".join(words)))


def _fts_match(words: list[str]):
    return literal_column(SQLITE_FTS_TABLE).op("MATCH")(
        bindparam("search_words", unique=True, value=_fts_query(words)))


def matching(dialect: str, words: list[str]):
    """A WHERE clause on Case: the case's text holds all these words (stems)."""
    if dialect == "postgresql":
        return Case.id.in_(select(CaseSearch.case_id).where(CaseSearch.document.op("@@")(_tsquery(words))))
    fts = _fts()
    match = _fts_match(words)
    # A CTE: the parts of a box read the matching ids once (SQLite materialises it).
    matched = select(fts.c.rowid).where(match).cte("matched")
    return Case.id.in_(select(matched.c.rowid))


#: how many of the best matches the index ranks alone before the box and the filters are
#: checked (by primary key); enough, for any box, that it rarely has to look further
RANKED_FIRST = 500


def best(words: list[str], conditions: list, limit: int) -> list[int]:
    """The ids of the `limit` cases that match these words best among those meeting
    `conditions` (the box, the filters): best first, the newest filed first among equals.

    Ranking every match is the index's work (ts_rank, bm25); joining each match to its
    wide case row, or carrying the tsvector through a sort, is what made it slow. So the
    index ranks the matches alone and keeps the best RANKED_FIRST (a top-N sort inside the
    engine), and the conditions are checked on those by primary key. When fewer than
    `limit` of them meet the conditions and there were more matches, one statement ranks
    every match that meets them (the same order, so the same answer, only slower)."""
    ranked = _ranked(words, RANKED_FIRST)
    found: list[int] = []
    # twice the page first (enough when the box holds most matches), then the rest
    for batch in (ranked[:2 * limit], ranked[2 * limit:]):
        meeting = _meeting(batch, conditions)
        found += [case_id for case_id in batch if case_id in meeting]
        if len(found) >= limit:
            return found[:limit]
    if len(ranked) < RANKED_FIRST:
        return found
    return _ranked(words, limit, conditions)


def _meeting(case_ids: list[int], conditions: list) -> set[int]:
    """Which of these cases meet the conditions. The conditions are read as a column, not
    as WHERE terms, so that only the primary key can lead: as WHERE terms (an OR of the
    box's organisation columns) SQLite without statistics walks the whole box through
    those indexes and tests each row against the ids (30 ms at 100 000 cases, not 2).
    A condition that is NULL is not met, as in WHERE."""
    if not case_ids:
        return set()
    meets = and_(*conditions).label("meets")
    return {r.id for r in db.session.execute(select(Case.id, meets).where(Case.id.in_(case_ids))) if r.meets}


def _ranked(words: list[str], limit: int, conditions: list | None = None) -> list[int]:
    """The best `limit` matches, best first (ties: the newest filed, i.e. the highest id,
    first); with `conditions`, among the cases meeting them."""
    return list(db.session.scalars(ranked_statement(db.engine.dialect.name, words, limit, conditions)))


def ranked_statement(dialect: str, words: list[str], limit: int, conditions: list | None = None):
    """The statement `_ranked` runs (apart, so that a test can read its plan)."""
    if dialect == "postgresql":
        # Computed once, as a scalar subquery: psycopg prepares a statement on the server
        # once it has run a few times, and the generic plan of a prepared statement cannot
        # fold plainto_tsquery('swedish', $1) into a constant, so it parsed and stemmed
        # the words again for every match, twice (a common word: 56 ms, not 24, in EXPLAIN
        # ANALYZE). Only here: as the matching condition of a search by date, the
        # subquery's unknown selectivity leads the planner astray (a rare word: 30 → 169 ms).
        query = select(_tsquery(words)).scalar_subquery()
        key = CaseSearch.case_id
        stmt = select(key).where(CaseSearch.document.op("@@")(query))
        order = (func.ts_rank(CaseSearch.document, query).desc(), key.desc())
    else:
        fts = _fts()
        key = fts.c.rowid
        stmt = select(key).where(_fts_match(words))
        order = (func.bm25(literal_column(SQLITE_FTS_TABLE)), key.desc())  # bm25: lower is better
    if conditions:
        stmt = stmt.join(Case, Case.id == key).where(*conditions)
    return stmt.order_by(*order).limit(limit)
