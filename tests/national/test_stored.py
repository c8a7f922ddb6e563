"""The stored national releases (national/stored.py): what a read meets is what the
current code publishes for the same counts, kept current by the workers, and a read of a
fresh release solves nothing."""
import json

import pytest
from sqlalchemy import select

from avvikelse.core.clock import now_utc
from avvikelse.extensions import db
from avvikelse.forum import disclosure, suppression
from avvikelse.forum.periods import Period, last_completed_quarter, quarter_of
from avvikelse.national import release, services, stored
from avvikelse.national.counts import counties, national_counts
from avvikelse.national.models import NationalRelease
from avvikelse.rollups.models import RollupChange
from workers.national import refresh

READ_ONLY = ("as_of", "computed_at", "note")


@pytest.fixture
def solves(monkeypatch):
    """How many times the disclosure engine solves a problem (the in-process cache of
    releases emptied first, so a recomputation would show)."""
    release._CACHE.clear()  # noqa: SLF001
    calls = []
    original = disclosure.Problem.solve

    def counted(self):
        calls.append(self)
        return original(self)

    monkeypatch.setattr(disclosure.Problem, "solve", counted)
    return calls


def fresh(period: Period) -> dict:
    return services.publish(period, national_counts(period.trend(8)), counties(), suppression.threshold())


def stored_periods() -> set[str]:
    return set(db.session.scalars(select(NationalRelease.period)))


def changed() -> set[str]:
    """The quarters logged as changed (the rollups' log the workers act on)."""
    return set(db.session.scalars(select(RollupChange.quarter)))


def test_the_stored_release_is_the_fresh_one_and_holds_only_published_figures(vnr, new_case):
    for _ in range(6):
        new_case()
    new_case(reporter=vnr["sundsvall_reporter"], receiver_organisation="22")
    quarter = quarter_of(now_utc())
    for period in (quarter, Period(quarter.year)):
        shown = services.summary(period, now_utc())
        assert {k: v for k, v in shown.items() if k not in READ_ONLY} == fresh(period)
    # Jämtland's 6 and Västernorrland's 1 are hidden: neither is anywhere in what is stored.
    assert shown["by_county"] == {"22": "x", "23": "x"}
    rows = db.session.scalars(select(NationalRelease).where(
        NationalRelease.period.in_([quarter.label, str(quarter.year)]))).all()
    leaves = set()

    def walk(value):
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, int):
            leaves.add(value)

    for row in rows:
        walk(row.figures)
        assert set(row.figures) == {"counties", "total", "by_county", "by_direction", "by_type", "by_event_type",
                                    "by_consequence", "county_direction", "county_type", "disclosure"}
        assert "AV-" not in json.dumps(row.figures)
    assert leaves.isdisjoint({1, 6}) and 7 in leaves


def test_a_change_of_counts_marks_it_stale_and_the_worker_computes_it_again(vnr, new_case, act, people, solves):
    case = new_case()
    quarter = quarter_of(now_utc())
    services.summary(Period(quarter.year), now_utc())
    refresh()  # acts on the log; and the last completed quarter's releases, as every pass
    assert changed() == set() and services.summary(quarter, now_utc())["note"] is None
    act(people["receiver_handler"], case, "acknowledge")  # a status: no national count moves
    assert changed() == set()

    new_case(reporter=vnr["sundsvall_reporter"], receiver_organisation="22")
    assert changed() == {quarter.label}
    assert "räknades fram" in services.summary(quarter, now_utc())["note"]
    assert "räknades fram" in services.summary(Period(quarter.year), now_utc())["note"]
    release._CACHE.clear()  # noqa: SLF001  (a worker just started)
    del solves[:]
    assert refresh() == [quarter.label, str(quarter.year)]
    assert len(solves) == 2  # the quarter and its year: the year's other quarters are unchanged
    assert changed() == set()
    shown = services.summary(quarter, now_utc())
    assert shown["note"] is None and shown["total"] == fresh(quarter)["total"] == "x"
    assert {k: v for k, v in shown.items() if k not in READ_ONLY} == fresh(quarter)


def test_a_read_of_a_fresh_release_solves_nothing(new_case, solves):
    for _ in range(5):
        new_case()
    quarter = quarter_of(now_utc())
    first = services.summary(quarter, now_utc())
    assert len(solves) == 8  # none stored yet: computed once, its eight quarters
    release._CACHE.clear()  # noqa: SLF001
    del solves[:]
    again = services.summary(quarter, now_utc())
    assert {k: v for k, v in again.items() if k != "as_of"} == {k: v for k, v in first.items() if k != "as_of"}
    assert solves == []


def test_the_refresh_stores_the_last_completed_quarter_and_is_on_beat(app, solves):
    from workers.schedule import beat_schedule

    latest = last_completed_quarter(now_utc())
    refresh()
    assert set(stored.needed(latest)) <= stored_periods()
    assert beat_schedule(app.config)["national-refresh"]["task"] == "avvikelse.national_refresh"
    del solves[:]
    assert refresh() == []  # nothing changed: nothing to do
    assert solves == []
    # A change without an event (the recount's repair, a county renamed): the nightly
    # check of every fingerprint finds it.
    db.session.execute(NationalRelease.__table__.update().where(NationalRelease.period == latest.label)
                       .values(fingerprint="", figures={}))
    db.session.commit()
    assert refresh() == [] and latest.label in refresh(everything=True)
    row = db.session.get(NationalRelease, latest.label)
    assert row.fingerprint != "" and row.figures["total"] == 0
