"""Protected patterns stored by what they were solved from (forum/patterns.py): a
process that lost its cache reads them and solves nothing, to the same figures; other
counts solve; the workers warm them; rows no one reads are pruned."""
import gc
import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.forum import patterns, publish, release, services
from avvikelse.forum.disclosure import Problem
from avvikelse.forum.figures import Scope
from avvikelse.forum.models import SolvedPattern
from avvikelse.forum.periods import Period, last_completed_quarter, quarter_of
from tests.forum.test_disclosure_audit import CATEGORIES, ORGS, T, raw_from


@pytest.fixture
def solves(monkeypatch):
    """Every solve, by counting; and each test starts with this process's cache empty."""
    calls = []
    solve = Problem.solve

    def counted(self):
        calls.append(self)
        return solve(self)

    monkeypatch.setattr(Problem, "solve", counted)
    release._CACHE.clear()
    yield calls
    release._CACHE.clear()


def _rows(period: Period, n: int = 80, seed: int = 7) -> list:
    """Cases over the period's trend, as test_disclosure_audit's data sets are."""
    rnd = random.Random(seed)
    trend = [q.label for q in period.trend(8)]
    pairs = [(k, "23") for k in ORGS if k != "23"] + [("23", "2309"), ("2303", "2305")]
    return [(rnd.choice(trend), rnd.choice(pairs), rnd.choice(CATEGORIES), rnd.choice(["deviation", "complaint"]),
             rnd.random() < 0.2, rnd.randint(1, 4), rnd.randint(1, 4), rnd.random() < 0.6, rnd.random() < 0.5,
             rnd.random() < 0.5, rnd.randint(0, 2), rnd.randint(1, 40)) for _ in range(n)]


def _page(period: Period, rows: list) -> publish.Page:
    raw, cubes, answers = raw_from(period, rows)
    return publish.Page(period, raw, cubes, release.Orgs.of(ORGS), T, answers)


def _releases(page: publish.Page) -> dict:
    found = {label: rel for label, rel in page.quarters.items()}
    found.update({"current": page.current, "previous": page.prev_release})
    if not page.period.is_year:
        found["year"] = page.year_column
    return found


@pytest.mark.parametrize("period", [Period(2026, 3), Period(2026)])
def test_a_stored_pattern_publishes_what_a_fresh_solve_does(solves, period):
    rows = _rows(period)
    fresh = _page(period, rows)
    assert solves, "nothing was solved"
    stored = db.session.scalar(select(db.func.count()).select_from(SolvedPattern))
    assert stored == len(solves)
    row = db.session.scalars(select(SolvedPattern)).first()
    assert len(row.digest) == 64 and '"values"' not in row.pattern  # no count is stored

    release._CACHE.clear()  # another process, or this one restarted
    del solves[:]
    again = _page(period, rows)
    assert solves == []
    for name, rel in _releases(fresh).items():
        other = _releases(again)[name]
        assert other is not rel
        assert (other.pattern.hidden, other.pattern.values, other.pattern.widths, other.pattern.moves,
                other.pattern.unproven) == (rel.pattern.hidden, rel.pattern.values, rel.pattern.widths,
                                            rel.pattern.moves, rel.pattern.unproven), name
    assert any(rel.pattern.hidden for rel in _releases(fresh).values())
    for view in fresh.current.base.views():
        assert again.shown(view) == fresh.shown(view), view


def test_changed_counts_are_solved_again_and_nothing_else(solves):
    period = Period(2026, 3)
    rows = _rows(period)
    _page(period, rows)
    release._CACHE.clear()
    del solves[:]
    moved = rows + [("2026Q3", ("2309", "23"), "sip", "deviation", False, 1, 1, False, False, False, 0, 3)]
    _page(period, moved)
    # the quarter itself: its trend's other quarters and last year are read back
    assert len(solves) == 1


def test_a_stored_pattern_laid_out_otherwise_is_solved_again(solves):
    period = Period(2026, 3)
    rows = _rows(period)
    _page(period, rows)
    db.session.execute(SolvedPattern.__table__.update().values(pattern='{"cells":"other"}'))
    db.session.commit()  # the store reads and writes through a connection of its own
    release._CACHE.clear()
    count = len(solves)
    del solves[:]
    _page(period, rows)
    assert len(solves) == count


def test_the_warm_task_stores_what_the_page_then_reads(app, forum_cases, solves):
    from workers.forum import warm
    from workers.schedule import beat_schedule

    assert beat_schedule(app.config)["forum-warm"]["task"] == "avvikelse.forum_warm"
    assert services.running_counties() == ["23"]
    assert warm() == 3  # the last and the running quarter, the last year
    assert solves
    release._CACHE.clear()
    del solves[:]
    now = now_utc()
    for period in (last_completed_quarter(now), quarter_of(now), Period(quarter_of(now).year - 1)):
        services.page(period, now, scope=Scope("23"))
    assert solves == []  # (shown() protects its attribute tables apart, suppression.py: small)


def test_patterns_no_one_reads_are_pruned_and_a_read_keeps_one(solves):
    period = Period(2025, 2)
    rows = _rows(period, n=20)
    _page(period, rows)
    digests = set(db.session.scalars(select(SolvedPattern.digest)))
    today = now_utc().date()
    table = SolvedPattern.__table__
    db.session.execute(table.update().values(used_on=today - timedelta(days=500)))
    for d, used, running in (("a" * 64, today - timedelta(days=399), False), ("b" * 64, today - timedelta(days=2), True),
                             ("c" * 64, today - timedelta(days=4), True)):
        db.session.execute(table.insert().values(digest=d, pattern="{}", computed_at=now_utc(), used_on=used,
                                                 running=running))
    db.session.commit()
    release._CACHE.clear()
    _page(period, rows)  # read back: touched today, so kept
    assert set(db.session.scalars(select(SolvedPattern.digest).where(SolvedPattern.used_on == today))) == digests
    db.session.execute(table.update().where(table.c.digest.in_(digests)).values(used_on=date(2000, 1, 1)))
    db.session.execute(table.update().where(table.c.digest == sorted(digests)[0]).values(used_on=today))
    # every row of the page but one, and the running period's unread for 4 days
    assert patterns.prune(now_utc(), 400, 3) == len(digests)
    assert set(db.session.scalars(select(SolvedPattern.digest))) == {sorted(digests)[0], "a" * 64, "b" * 64}


def test_a_release_is_laid_out_and_read_back_with_the_collector_paused(solves, monkeypatch):
    """core.collector: a page read in a new process spends no time in the cyclic
    collector while it rebuilds releases around their stored patterns; the solve itself
    (which can run for minutes) keeps the collector on, and so does the page after."""
    period = Period(2026, 2)
    rows = _rows(period)
    _page(period, rows)
    assert solves
    seen = {"load": [], "solve": []}
    load, solve = patterns.load, Problem.solve
    stored = [True]

    def watched_load(*args):
        seen["load"].append(gc.isenabled())
        return load(*args) if stored[0] else None

    def watched_solve(self):
        seen["solve"].append(gc.isenabled())
        return solve(self)

    monkeypatch.setattr(patterns, "load", watched_load)
    monkeypatch.setattr(Problem, "solve", watched_solve)
    release._CACHE.clear()
    _page(period, rows)
    assert seen["load"] and not any(seen["load"])
    assert seen["solve"] == []  # all stored: nothing solved again
    release._CACHE.clear()
    stored[0] = False  # as if never stored: solved here
    _page(period, rows)
    assert seen["solve"] and all(seen["solve"])
    assert gc.isenabled()
