"""The rollups equal a recount from the cases, whatever the events: hypothesis makes random
sequences of filings and actions across two counties, with events delivered late, twice
or handled again, and after each sequence the counters are compared with the cases."""
from collections import Counter
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from avvikelse.cases.inputs import ActionInput
from avvikelse.cases.models import Case
from avvikelse.cases.services import file_case, perform
from avvikelse.cases.transitions import Action
from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import DomainError
from avvikelse.extensions import db
from avvikelse.forum.periods import quarter_of
from avvikelse.national.counts import national_counts
from avvikelse.rollups import services
from avvikelse.rollups.models import DIMENSIONS, RollupCount, RollupMark
from tests.fixtures.factories import answer_input, case_input

#: (reporter, receiving organisation): within Jämtland, within Västernorrland, across
ROUTES = [("reporter", "23"), ("sundsvall_reporter", "22"), ("vnr_reporter", "2309"), ("reporter", "22")]
#: a receiving organisation's handler
HANDLERS = {"23": "receiver_handler", "22": "vnr_handler", "2309": "sender_handler"}
#: (action, whose side acts)
ACTIONS = [(Action.ACKNOWLEDGE, "receiver"), (Action.ANSWER, "receiver"), (Action.ACCEPT, "sender"),
           (Action.DISPUTE, "sender"), (Action.WITHDRAW, "sender"), (Action.CLOSE_WITHOUT_REACTION, "receiver"),
           (Action.RECLASSIFY, "receiver")]
FORWARD = [(Action.ACKNOWLEDGE, "receiver"), (Action.ANSWER, "receiver"), (Action.ACCEPT, "sender")]

filing = st.tuples(st.just("file"), st.sampled_from(ROUTES), st.sampled_from(["discharge", "medication", "sip"]),
                   st.sampled_from(["deviation", "complaint"]), st.integers(1, 4), st.integers(1, 4))
acting = st.tuples(st.just("act"), st.integers(-2, -1), st.integers(0, len(ACTIONS) - 1), st.integers(1, 4),
                   st.sampled_from(["discharge", "medication"]))
again = st.tuples(st.just("again"), st.integers(-3, -1))  # a case's events handled once more
drain = st.just(("drain",))
#: a case is filed, then acted on a few times (the lists are of a case and its actions, so
#: that random sequences reach answers, acceptances and disputes, not only filings)
lives = st.tuples(filing, st.lists(st.one_of(acting, acting, acting, again, drain), max_size=6))
steps = st.lists(lives, min_size=1, max_size=6).map(lambda ls: [s for f, acts in ls for s in (f, *acts)])


def recount_from_cases() -> Counter:
    """The plain recount: every case's cell from its values, in Python."""
    return Counter(tuple(services.cell_of(c).values()) for c in db.session.scalars(select(Case)))


def counters() -> Counter:
    rows = db.session.execute(select(*[getattr(RollupCount, n) for n in DIMENSIONS], RollupCount.n))
    return Counter({tuple(row[:-1]): row[-1] for row in rows if row[-1] != 0})


def _step(step, vnr) -> None:
    if step[0] == "file":
        _, (reporter, receiver), category, kind, consequence, probability = step
        file_case(vnr[reporter], case_input(receiver_organisation=receiver, category=category, kind=kind,
                                            consequence=consequence, probability=probability), now_utc())
        db.session.commit()
        return
    cases = db.session.scalars(select(Case).order_by(Case.id)).all()
    if not cases:
        return
    if step[0] == "drain":
        outbox.drain()
        return
    case = cases[step[1] % len(cases)]
    if step[0] == "again":
        services.on_case_event({"reference": case.reference}, "again")
        db.session.commit()
        return
    _, _, first, consequence, category = step
    # The chosen action if the case's status allows it, else the case moves on its way.
    for action, side in [ACTIONS[first], *FORWARD]:
        data = (answer_input() if action is Action.ANSWER
                else ActionInput(note="Enligt forumets beslut.", consequence=consequence, category=category))
        actor = case.reporter if side == "sender" else vnr[HANDLERS[case.receiver_organisation.code]]
        try:
            perform(actor, case, action, data, now_utc())
            db.session.commit()
            return
        except DomainError:  # not from this status: no change, no event
            db.session.rollback()


@settings(max_examples=15, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(steps)
def test_rollups_equal_a_recount_after_random_events(vnr, sequence):
    for step in sequence:
        _step(step, vnr)
    outbox.drain()  # what the workers would have done by now
    assert counters() == recount_from_cases()
    found = services.recount(repair=False)  # the SQL recount says the same
    assert (found.cells_differing, found.marks_differing) == (0, 0), found.as_dict()
    db.session.rollback()


def test_the_recount_repairs_drift_and_reports_it(vnr, new_case, runner):
    moved = new_case()
    new_case(reporter=vnr["sundsvall_reporter"], receiver_organisation="22")
    assert services.recount().as_dict() == {"cases": 2, "cells": 2, "cells_differing": 0,
                                            "marks_differing": 0, "repaired": False}
    # A change behind the events' back (a manual correction in the database): the case
    # moves a year back (its old cell and its new one differ), and a counter is off by 3.
    moved.reported_at -= timedelta(days=365)
    db.session.execute(RollupCount.__table__.update().values(n=RollupCount.n + 3)
                       .where(RollupCount.sender_organisation_id == moved.sender_organisation_id))
    db.session.commit()
    assert counters() != recount_from_cases()

    checked = runner.invoke(args=["rollups", "recount", "--check"])
    assert checked.exit_code == 1 and '"repaired": true' in checked.output
    assert counters() != recount_from_cases()  # --check repairs nothing

    repaired = runner.invoke(args=["rollups", "recount"])
    assert repaired.exit_code == 0, repaired.output
    assert '"cells_differing": 2' in repaired.output and '"marks_differing": 1' in repaired.output
    db.session.expire_all()
    assert counters() == recount_from_cases()
    assert db.session.scalar(select(db.func.count()).select_from(RollupMark)) == 2
    assert services.recount().repaired is False
    # The national figures read the repaired counters: the moved case in its own quarter.
    year_ago = quarter_of(now_utc() - timedelta(days=365))
    assert sum(national_counts([year_ago])[year_ago.label].values()) == 1


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_the_nightly_recount_is_on_beat(app):
    from workers.schedule import beat_schedule

    entry = beat_schedule(app.config)["rollups-recount"]
    assert entry["task"] == "avvikelse.rollups_recount"
    assert entry["schedule"].hour == {app.config["ROLLUPS_RECOUNT_HOUR_UTC"]}
