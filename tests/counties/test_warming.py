"""The warm pass skips the pages no change has touched since it last protected them
(forum/warming.py): an event of a case marks its counties' and their pair's pages that
count its quarter; an event whose scope is unknown, or the passing of FULL_EVERY,
marks everything."""
from datetime import timedelta

from sqlalchemy import update

from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from avvikelse.core.outbox import OutboxEvent
from avvikelse.extensions import db
from avvikelse.forum import warming
from avvikelse.forum.models import WarmMark
from avvikelse.forum.periods import quarter_of
from tests.counties.test_isolation import cases  # noqa: F401 (a fixture)


def _scopes(done: list[str]) -> set[str]:
    return {label.split(":")[0] for label in done}


def _age_events(at) -> None:
    """What happened so far happened long before the next pass."""
    db.session.execute(update(OutboxEvent).values(created_at=at, processed_at=at))
    db.session.commit()


def test_a_pass_protects_only_the_scopes_touched_since_the_last(vnr, cases, new_case):  # noqa: F811
    hour_ago = now_utc() - timedelta(hours=1)
    _age_events(hour_ago)
    db.session.add(WarmMark(scope="23", period="2019Q1", warmed_at=hour_ago))  # a period gone by
    first = warming.warm(now_utc())
    # each county's three periods; the pair's only where it has cases: this quarter
    assert _scopes(first) == {"22", "23", "22-23"} and len(first) == 7
    assert db.session.query(WarmMark).count() == 7  # and the one gone by, deleted
    assert warming.warm(now_utc()) == []  # nothing happened since

    # Krokom → Region Jämtland Härjedalen: Jämtland's own page of this quarter only (the
    # last quarter's and last year's count earlier quarters)
    new_case()
    quarter = quarter_of(now_utc()).label
    assert warming.warm(now_utc()) == [f"23:{quarter}"]
    _age_events(hour_ago)
    assert warming.warm(now_utc()) == []

    new_case(reporter=vnr["reporter"], receiver_organisation="22", receiver_unit="22-SDS-ORT")
    assert sorted(warming.warm(now_utc())) == [f"22-23:{quarter}", f"22:{quarter}", f"23:{quarter}"]

    _age_events(hour_ago)
    outbox.emit("learning.clock_step", step_id=1)  # whose scope the pass cannot tell
    db.session.commit()
    assert warming.warm(now_utc()) == []  # not processed yet: not yet counted
    db.session.execute(update(OutboxEvent).where(OutboxEvent.kind == "learning.clock_step")
                       .values(processed_at=now_utc()))
    assert len(warming.warm(now_utc())) == 7

    _age_events(hour_ago)
    assert warming.warm(now_utc()) == []
    assert len(warming.warm(now_utc() + warming.FULL_EVERY)) == 7  # all, touched or not


def test_a_change_of_another_county_leaves_this_ones_pages(vnr, cases, new_case):  # noqa: F811
    _age_events(now_utc() - timedelta(hours=1))
    warming.warm(now_utc())
    case = new_case(reporter=vnr["sundsvall_reporter"], receiver_organisation="22")  # inside Västernorrland
    assert warming.warm(now_utc()) == [f"22:{quarter_of(case.reported_at).label}"]


def test_a_case_of_the_last_quarter_touches_the_pages_that_count_it(vnr, cases, new_case):  # noqa: F811
    _age_events(now_utc() - timedelta(hours=1))
    warming.warm(now_utc())
    quarter = quarter_of(now_utc())
    previous = quarter.previous()
    case = new_case()
    case.reported_at = previous.start + timedelta(days=1)
    db.session.commit()
    # the last quarter's page, and this quarter's (its trend); last year's only from Q1
    expected = [f"23:{previous.label}", f"23:{quarter.label}"] + (
        [f"23:{previous.year}"] if quarter.quarter == 1 else [])
    assert sorted(warming.warm(now_utc())) == sorted(expected)


def test_a_pass_that_finds_its_page_marked_meanwhile_keeps_the_later_mark(vnr, cases, monkeypatch):  # noqa: F811
    """Two passes at once: another pass marks a page between this pass's start (no mark
    then) and its own mark; the later start stands and nothing fails."""
    quarter = quarter_of(now_utc()).label
    start = now_utc()
    later = start + timedelta(seconds=30)
    page = warming.services.page

    def page_marked_meanwhile(period, now, scope):
        if warming.key_of(scope) == "23" and period.label == quarter:
            db.session.execute(WarmMark.__table__.insert().values(scope="23", period=quarter, warmed_at=later))
        return page(period, now, scope=scope)

    monkeypatch.setattr(warming.services, "page", page_marked_meanwhile)
    done = warming.warm(start)
    assert f"23:{quarter}" in done
    marks = {(m.scope, m.period): m.warmed_at for m in db.session.query(WarmMark)}
    assert marks[("23", quarter)] == later
    assert marks[("22", quarter)] == start
