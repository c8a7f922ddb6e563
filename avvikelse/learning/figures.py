"""Raw counts of learning for the forum, aggregated in the database: measures, investigations,
contributing factors. Never shown as they are: the forum protects them
(forum/learning.py) with the same disclosure control as its case figures.

Periods are given as (label, start, end) with UTC instants at Swedish midnight, the
forum's quarters; a measure belongs to the quarter its due day falls in, an investigation
to the quarter it opened (opened) or its report was approved (finished, factors).
"""
from datetime import date, datetime

from sqlalchemy import and_, case, func, literal, select

from avvikelse.agreements.models import AgreementClause
from avvikelse.cases.enums import MeasureStatus
from avvikelse.cases.models import Case, Measure
from avvikelse.core import workdays
from avvikelse.directory.models import Organisation
from avvikelse.directory.services import organisation_ids_in
from avvikelse.extensions import db
from avvikelse.learning.enums import InvestigationStatus
from avvikelse.learning.models import ContributingFactor, Investigation

Span = tuple[str, datetime, datetime]
NO_CLAUSE = "—"


def _within(org_column, counties: tuple[str, ...] | None):
    """Only what organisations of these counties own or lead (a forum reads its own
    samverkan's learning); everything when None (one county running)."""
    if counties is None:
        return literal(True)
    return org_column.in_(organisation_ids_in(counties))


def _days(later, earlier):
    if db.engine.dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 86400.0
    return func.julianday(later) - func.julianday(earlier)


def measure_class(today: date):
    """The forum's class of a measure as of `today`: effect_confirmed, done, not_done,
    overdue (planned or under way, past its day) or planned."""
    open_ = Measure.status.in_([MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS])
    return case(
        (and_(Measure.status == MeasureStatus.DONE, Measure.effect_checked_on.is_not(None)),
         literal("effect_confirmed")),
        (Measure.status == MeasureStatus.DONE, literal("done")),
        (Measure.status == MeasureStatus.NOT_DONE, literal("not_done")),
        (and_(open_, Measure.due_on < today), literal("overdue")),
        else_=literal("planned"))


def _day_bucket(column, spans: list[Span]):
    return case(*[(column < workdays.local_date(end), literal(label)) for label, _start, end in spans],
                else_=literal(None))


def measures(spans: list[Span], now: datetime, counties: tuple[str, ...] | None = None) -> dict[str, dict[tuple[str, str, str], int]]:
    """{quarter: {(owner organisation code, case category, class): n}} for the measures
    due in each quarter, classed as of `now`."""
    today = workdays.local_date(now)
    first, last = workdays.local_date(spans[0][1]), workdays.local_date(spans[-1][2])
    bucket, klass = _day_bucket(Measure.due_on, spans), measure_class(today)
    stmt = (select(bucket, Organisation.code, Case.category, klass, func.count())
            .select_from(Measure).join(Case, Case.id == Measure.case_id)
            .join(Organisation, Organisation.id == Measure.owner_organisation_id)
            .where(Measure.due_on >= first, Measure.due_on < last,
                   _within(Measure.owner_organisation_id, counties))
            .group_by(bucket, Organisation.code, Case.category, klass))
    found: dict[str, dict] = {label: {} for label, _s, _e in spans}
    for label, org, category, cls, n in db.session.execute(stmt):
        if label is not None:
            found[label][(org, category, cls)] = found[label].get((org, category, cls), 0) + n
    return found


def _instant_bucket(column, spans: list[Span]):
    return case(*[(column < end, literal(label)) for label, _start, end in spans], else_=literal(None))


def investigations(spans: list[Span], counties: tuple[str, ...] | None = None) -> dict[str, dict]:
    """Per quarter: investigations opened; reports approved (finished), with the median
    days from opening to approval and how many it is taken over."""
    first, last = spans[0][1], spans[-1][2]
    opened_bucket = _instant_bucket(Investigation.opened_at, spans)
    opened = dict(db.session.execute(
        select(opened_bucket, func.count()).where(Investigation.opened_at >= first, Investigation.opened_at < last,
                                                  _within(Investigation.lead_organisation_id, counties))
        .group_by(opened_bucket)).all())
    approved = and_(Investigation.status == InvestigationStatus.APPROVED,
                    _within(Investigation.lead_organisation_id, counties),
                    Investigation.finished_at >= first, Investigation.finished_at < last)
    finished_bucket = _instant_bucket(Investigation.finished_at, spans)
    days = _days(Investigation.finished_at, Investigation.opened_at)
    leads: dict[str, list[float]] = {}
    for label, d in db.session.execute(select(finished_bucket, days).where(approved)):
        if label is not None:
            leads.setdefault(label, []).append(float(d))
    return {label: {"opened": opened.get(label, 0), "finished": len(leads.get(label, [])),
                    "lead_days": sorted(leads.get(label, []))} for label, _s, _e in spans}


def median(values: list[float]) -> float | None:
    if not values:
        return None
    values = sorted(values)
    middle = len(values) // 2
    found = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    return round(found, 1)


def factors(spans: list[Span], counties: tuple[str, ...] | None = None) -> dict[str, dict[tuple[str, str], int]]:
    """{quarter: {(clause code, area): n}}: the contributing factors of the reports
    approved in each quarter, by the agreement clause they touch and their area."""
    first, last = spans[0][1], spans[-1][2]
    bucket = _instant_bucket(Investigation.finished_at, spans)
    code = func.coalesce(AgreementClause.code, literal(NO_CLAUSE))
    stmt = (select(bucket, code, ContributingFactor.area, func.count())
            .select_from(ContributingFactor)
            .join(Investigation, Investigation.id == ContributingFactor.investigation_id)
            .outerjoin(AgreementClause, AgreementClause.id == ContributingFactor.clause_id)
            .where(Investigation.status == InvestigationStatus.APPROVED,
                   Investigation.finished_at >= first, Investigation.finished_at < last,
                   _within(Investigation.lead_organisation_id, counties))
            .group_by(bucket, code, ContributingFactor.area))
    found: dict[str, dict] = {label: {} for label, _s, _e in spans}
    for label, clause, area, n in db.session.execute(stmt):
        if label is not None:
            found[label][(clause, str(area))] = found[label].get((clause, str(area)), 0) + n
    return found
