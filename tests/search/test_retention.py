"""The index follows retention: disposing of a case's free text deletes its words, and a
case kept for the forum keeps them with its text."""
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from avvikelse.cases.enums import Status
from avvikelse.cases.services import add_message
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.forum.models import ForumItem
from avvikelse.search.models import CaseSearch
from workers.retention import retention_pass


@pytest.fixture(autouse=True)
def disposal_decision(app, monkeypatch):
    monkeypatch.setitem(app.config, "DISPOSAL_DECISION", "Gallringsbeslut RS/1/2026")
    monkeypatch.setitem(app.config, "DISPOSAL_AFTER_DAYS", 30)


def _ended(new_case, people, words: str, days_ago: int):
    case = new_case(description=f"{words} i beskrivningen.")
    add_message(people["receiver_handler"], case, f"{words} i ett meddelande.", now_utc())
    case.status = Status.CLOSED
    case.closed_at = case.ended_at = now_utc() - timedelta(days=days_ago)
    db.session.commit()
    return case


def _indexed_words() -> str:
    """Every word the index still stores (SQLite: FTS5's own pages, where a deleted row's
    words linger until its segments are merged; PostgreSQL: the stored tsvectors)."""
    if db.engine.dialect.name == "sqlite":
        blocks = db.session.scalars(text("SELECT block FROM case_search_fts_data"))
        return " ".join(bytes(b).decode("utf-8", "replace") for b in blocks)
    return " ".join(str(d) for d in db.session.scalars(select(CaseSearch.document)))


def test_disposal_empties_the_index_of_the_cases_words(new_case, people, search):
    disposed = _ended(new_case, people, "Trycksåret", 40)
    kept = _ended(new_case, people, "Fallolyckan", 40)
    db.session.add(ForumItem(case_id=kept.id, author_id=people["mas"].id, period="2026Q1",
                            title="Fall", text="Till forumet."))
    young = _ended(new_case, people, "Dosetten", 5)
    db.session.commit()
    user = people["sender_handler"]
    assert search(user, q="trycksåret") == [disposed.reference]
    assert "trycksår" in _indexed_words()

    counts = retention_pass()

    assert counts["cases_free_text_removed"] == 1
    assert search(user, q="trycksåret") == []
    assert db.session.get(CaseSearch, disposed.id) is None
    assert "trycksår" not in _indexed_words()
    # The forum's case keeps its text and so its words; a young case is not yet due.
    assert search(user, q="fallolyckan") == [kept.reference]
    assert search(user, q="dosetten") == [young.reference]
    # Codes and dates stay: the disposed case is still found by its filters.
    assert disposed.reference in search(user, category="discharge")


def test_a_rebuild_does_not_bring_back_disposed_words(new_case, people, search):
    from avvikelse.search import index

    disposed = _ended(new_case, people, "Trycksåret", 40)
    retention_pass()
    index.rebuild(db.session.connection())
    assert db.session.get(CaseSearch, disposed.id) is None
    assert search(people["sender_handler"], q="beskrivningen") == []
