"""The warm pass: each running samverkan's likely next pages protected ahead of a reader,
their patterns stored (release.py, patterns.py), so that a reader's first view solves
nothing.

At national size a pass would protect 21 own pages and a section for each pair of
counties with cases between them, for three periods: a few hundred pages of 1-3 s each,
longer than the pass's interval. So each page protected is marked (WarmMark) and the
next pass skips it while nothing that could move its counts has happened since: no
event of a case of the scope reported in a quarter the page counts (filed, answered,
escalated, ...), of an investigation or a measure of one, and no such case brought to
the forum. Counts that move with time
alone, and changes that make no event, are caught by a whole pass every FULL_EVERY.
Skipping is only ever a cost: a reader whose counts have moved solves them on the page.
"""
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from avvikelse.cases.models import Case, Measure
from avvikelse.core.sql import upsert
from avvikelse.core.outbox import OutboxEvent
from avvikelse.directory.models import Organisation
from avvikelse.extensions import db
from avvikelse.forum import services
from avvikelse.forum.figures import Scope
from avvikelse.forum.models import ForumItem, WarmMark
from avvikelse.forum.periods import Period, quarter_of
from avvikelse.learning.models import investigation_cases

#: Every page is protected again at least this often, touched or not.
FULL_EVERY = timedelta(hours=6)
#: A change counts from when its event was processed: always after the change was
#: committed (an event written but not yet processed counts once it is). One processed
#: this much before a mark still counts as after it: clocks of two machines may differ.
MARGIN = timedelta(minutes=1)
#: Events that move no forum count (their case's own events do).
NEUTRAL = frozenset({"mail.send", "webhook.deliver", "attachment.uploaded"})
#: The key of a change whose scope (or quarter) is not known: it touches every page.
EVERYWHERE = "*"


def key_of(scope: Scope) -> str:
    return "-".join(scope.counties)


def warm(now: datetime) -> list[str]:
    """Protect, for each samverkan running here, the last completed quarter, the running
    one and the last completed year, and the sections between it and each other county
    it has cases with, skipping the pages no change has touched since their mark.
    Two runs at once only waste work (_mark). Commits as it goes. Returns what it protected,
    as "scope:period"."""
    quarter = quarter_of(now)
    periods = [quarter.previous(), quarter, Period(quarter.year - 1)]
    counties = services.running_counties()
    # the marks of periods no longer warmed would only pile up
    db.session.execute(delete(WarmMark).where(WarmMark.period.not_in([p.label for p in periods])))
    # Committed here and after each page: a pass may run for hours, and an open write
    # would hold SQLite's one write lock all along (the patterns, stored on a connection
    # of their own, would wait for it in vain); a pass cut short keeps what it did.
    db.session.commit()
    # plain values: the commits below would expire objects, to be loaded again one by one
    marks = {(scope, period): at for scope, period, at in db.session.execute(
        select(WarmMark.scope, WarmMark.period, WarmMark.warmed_at))}
    fresh = [at for at in marks.values() if now - at < FULL_EVERY]
    touched = touched_since(min(fresh) - MARGIN) if fresh else {}
    # the quarters each page counts, and EVERYWHERE: where a change of unknown quarter is kept
    reads = {p.label: services.quarters_read(p) | {EVERYWHERE} for p in periods}
    done = []
    for period in periods:
        # only the pairs with cases between them: the sections a forum shows
        pairs = {Scope.between(c, o) for c in counties for o in services.counterparts(period, c) if o in counties}
        for scope in [Scope(c) for c in counties] + sorted(pairs, key=key_of):
            key = key_of(scope)
            marked = marks.get((key, period.label))
            if marked is not None and not _stale(marked, now, touched, key, reads[period.label]):
                continue
            services.page(period, now, scope=scope)
            _mark(key, period.label, now)
            db.session.commit()
            done.append(f"{key}:{period.label}")
    return done


def _mark(scope: str, period: str, at: datetime) -> None:
    """The page's mark set to `at`, unless a pass that began later has marked it since:
    two passes may run at once (a pass that outlasts its interval, two bulk workers), and
    each may find the page unmarked when it starts."""
    table = WarmMark.__table__
    stmt = upsert(table).values(scope=scope, period=period, warmed_at=at)
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=[table.c.scope, table.c.period], set_={"warmed_at": stmt.excluded.warmed_at},
        where=table.c.warmed_at < stmt.excluded.warmed_at))


def _stale(warmed_at: datetime, now: datetime, touched: dict[str, dict[str, datetime]], key: str,
           quarters: set[str]) -> bool:
    if now - warmed_at >= FULL_EVERY:
        return True
    return any(at >= warmed_at - MARGIN for k in (key, EVERYWHERE)
               for quarter, at in touched.get(k, {}).items() if quarter in quarters)


def touched_since(since: datetime) -> dict[str, dict[str, datetime]]:
    """Each scope key (a county, or two joined) some change has touched since `since`,
    by the quarter of the case's reported_at, with the latest such change: the outbox
    events processed since, mapped
    through their case (or investigation's cases, or measure's case) to its two
    organisations' counties; and the cases brought to the forum since."""
    touched: dict[str, dict[str, datetime]] = {}
    references, investigations, measures = {}, {}, {}
    for kind, payload, at in db.session.execute(
            select(OutboxEvent.kind, OutboxEvent.payload, OutboxEvent.processed_at)
            .where(OutboxEvent.processed_at >= since)):
        payload = payload or {}
        if kind in NEUTRAL:
            continue
        if kind.startswith("case.") and payload.get("reference"):
            _latest(references, payload["reference"], at)
        elif kind.startswith("investigation.") and payload.get("investigation_id"):
            _latest(investigations, payload["investigation_id"], at)
        elif kind.startswith("measure.") and payload.get("measure_id"):
            _latest(measures, payload["measure_id"], at)
        else:
            _latest(touched.setdefault(EVERYWHERE, {}), EVERYWHERE, at)
    cases: dict[int, datetime] = {}
    for ref, case_id in _chunked(references, lambda chunk: select(Case.reference, Case.id)
                                 .where(Case.reference.in_(chunk))):
        _latest(cases, case_id, references[ref])
    for inv, case_id in _chunked(investigations, lambda chunk: select(
            investigation_cases.c.investigation_id, investigation_cases.c.case_id)
            .where(investigation_cases.c.investigation_id.in_(chunk))):
        _latest(cases, case_id, investigations[inv])
    for measure, case_id in _chunked(measures, lambda chunk: select(Measure.id, Measure.case_id)
                                     .where(Measure.id.in_(chunk))):
        _latest(cases, case_id, measures[measure])
    for case_id, at in db.session.execute(select(ForumItem.case_id, ForumItem.created_at)
                                          .where(ForumItem.created_at >= since)):
        _latest(cases, case_id, at)
    sender, receiver = Organisation.__table__.alias("sender"), Organisation.__table__.alias("receiver")
    for case_id, reported_at, one, other in _chunked(cases, lambda chunk: select(
            Case.id, Case.reported_at, sender.c.county_code, receiver.c.county_code)
            .join(sender, sender.c.id == Case.sender_organisation_id)
            .join(receiver, receiver.c.id == Case.receiver_organisation_id)
            .where(Case.id.in_(chunk))):
        counties = {c for c in (one, other) if c}
        quarter = quarter_of(reported_at).label
        for scope in [Scope(c) for c in counties] + ([Scope.between(*counties)] if len(counties) == 2 else []):
            _latest(touched.setdefault(key_of(scope), {}), quarter, cases[case_id])
    return touched


def _latest(found: dict, key, at: datetime) -> None:
    if key not in found or found[key] < at:
        found[key] = at


def _chunked(keys: Iterable, statement, size: int = 500):
    keys = list(keys)
    for start in range(0, len(keys), size):
        yield from db.session.execute(statement(keys[start:start + size]))
