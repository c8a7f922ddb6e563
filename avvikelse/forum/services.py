"""The forum's services: summaries, snapshots, builds and items brought to the forum."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select

from avvikelse.accounts.models import CASE_WORKERS, FORUM_READERS, User
from avvikelse.agreements.rules import in_force_during
from avvikelse.cases.models import Case
from avvikelse.core import personnummer
from avvikelse.core.clock import to_local
from avvikelse.core.errors import NotFound, ValidationFailed
from avvikelse.core.text import TextError, clean_text
from avvikelse.extensions import db
from avvikelse.directory.models import Organisation, Samverkan
from avvikelse.forum import figures, learning, publish, release, suppression
from avvikelse.forum.figures import Scope
from avvikelse.forum.filters import DIRECTIONS, Filters, parse_filters, view_of
from avvikelse.forum.models import Build, ForumItem, Snapshot
from avvikelse.forum.periods import Period, PeriodError, parse, quarter_of
from avvikelse.forum.release import View


def is_forum_user(user: User) -> bool:
    return user.is_authenticated and user.has_role(*FORUM_READERS)


def scope_of(user: User) -> Scope:
    """A forum reader reads their own samverkan's figures: their organisation's county."""
    return Scope(user.organisation.county)


def parse_period(text: str | None) -> Period:
    try:
        return parse(text)
    except PeriodError as exc:
        raise ValidationFailed({"period": [exc.message]}) from None


def summary(period: Period, filters: Filters, now: datetime, progress=lambda step: None,
            scope: Scope | None = None) -> dict:
    """Raw figures, for tests and the audit: what anyone sees comes from `published`."""
    return figures.compute(period, filters, now, progress=progress, directory=figures.Directory.load(scope))


def page(period: Period, now: datetime, progress=lambda step: None, scope: Scope | None = None) -> publish.Page:
    """Everything the period can publish of one scope (a samverkan's own cases, or those
    between two counties), under every filter, protected once."""
    directory = figures.Directory.load(scope)
    raw = figures.compute(period, Filters(), now, progress=progress, directory=directory)
    cubes, answers = counts(directory, period)
    orgs = release.Orgs.of({o.code: (o.name, o.kind.value) for o in directory.by_id.values()})
    return publish.Page(period, raw, cubes, orgs, suppression.threshold(), answers)


def running_counties() -> list[str]:
    return list(db.session.scalars(select(Samverkan.code).where(Samverkan.active).order_by(Samverkan.code)))


def counterparts(period: Period, county: str) -> set[str]:
    """The other counties whose organisations and this county's have a case between them
    in the period, or a forum item: the only sections worth computing. At national size
    the other twenty counties' sections would otherwise each cost a whole protected page,
    mostly to say "no cases". Read from the senders' and the receivers' index ranges of
    the county's own organisations over the period (a few thousand entries)."""
    own = list(db.session.scalars(select(Organisation.id).where(Organisation.county_code == county)))
    if not own:
        return set()
    during = (Case.reported_at >= period.start, Case.reported_at < period.end, figures.COUNTED)
    ids = set(db.session.scalars(select(Case.receiver_organisation_id).distinct()
                                 .where(Case.sender_organisation_id.in_(own), *during)))
    ids |= set(db.session.scalars(select(Case.sender_organisation_id).distinct()
                                  .where(Case.receiver_organisation_id.in_(own), *during)))
    labels = [q.label for q in period.quarters()]
    ids |= {org for pair in db.session.execute(
        select(Case.sender_organisation_id, Case.receiver_organisation_id).join(ForumItem, ForumItem.case_id == Case.id)
        .where(ForumItem.period.in_(labels),
               or_(Case.sender_organisation_id.in_(own), Case.receiver_organisation_id.in_(own)))) for org in pair}
    ids -= set(own)
    if not ids:
        return set()
    return set(db.session.scalars(select(Organisation.county_code).distinct().where(
        Organisation.id.in_(ids), Organisation.county_code.is_not(None))))


def cross_counties(period: Period, county: str) -> list[tuple[str, str]]:
    """(code, name) of each other county running here that has cases with this one in
    the period (counterparts), in code order: the forum page links a section for each."""
    with_cases = counterparts(period, county)
    if not with_cases:
        return []
    return [tuple(row) for row in db.session.execute(select(Samverkan.code, Samverkan.name).where(
        Samverkan.active, Samverkan.code.in_(with_cases), Samverkan.code != county).order_by(Samverkan.code))]


def cross_section(period: Period, now: datetime, county: str, other: str, name: str) -> dict:
    """The section between a samverkan and another county: the cases between their
    organisations, protected as a table of its own (the same release both counties'
    forums show), without a filter. Each costs a protected page of its own (about a
    second at national size), so the forum shows one at a time, not all on its page."""
    scope = Scope.between(county, other)
    return {"county": other, "name": name, "figures": page(period, now, scope=scope).shown(View()),
            "items": items_json(period, scope)}


def cross_sections(period: Period, now: datetime, county: str) -> list[dict]:
    """Every section of a samverkan's forum (cross_section), for the API and tests."""
    return [cross_section(period, now, county, code, name) for code, name in cross_counties(period, county)]


def counts(directory: figures.Directory, period: Period) -> tuple[dict, dict]:
    """The base table per quarter of the trend, and the latest answers per quarter of the
    years the page shows (a year's agreement counts them)."""
    cubes = figures.cube(directory, period.trend(8))
    answers = figures.answer_cube(directory, _answer_quarters(period))
    return cubes, answers


def _answer_quarters(period: Period) -> list[Period]:
    years = [period.previous(), period] if period.is_year else [Period(period.year - 1)]
    return [q for year in years for q in year.quarters()]


def quarters_read(period: Period) -> set[str]:
    """The quarters (of reported_at) whose cases a page of the period counts: its own,
    its trend's, and the years' whose answers it shows (page, counts)."""
    return {q.label for q in [*period.quarters(), *period.trend(8), *_answer_quarters(period)]}


def published(period: Period, filters: Filters, now: datetime, progress=lambda step: None,
              scope: Scope | None = None) -> dict:
    """What the page, the exports, snapshots, builds and the API show: the period's one
    protected release, seen through one filter (more than one is refused), the agreement
    versions the period's cases fell under, and, for the whole period, what the county
    learned (forum/learning.py, protected the same way)."""
    view = view_of(filters)
    shown_ = page(period, now, progress, scope).shown(view)
    shown_["agreement_versions"] = agreement_in(period, now)
    counties = scope.counties if scope is not None else None
    shown_["learning"] = (learning.published(period, now, suppression.threshold(), counties)
                         if view.name is None else None)
    return shown_


def agreement_in(period: Period, now: datetime) -> list[str]:
    """"Hemsjukvårdsavtalet version 2020 (förlängt i avvaktan på nytt avtal)": each
    version in force during the period (up to today while it runs)."""
    first = to_local(period.start).date()
    last = min(to_local(period.end - timedelta(microseconds=1)), to_local(now)).date()
    return [f"{v.agreement.short_name} version {v.name} ({standing.label})"
            for v, standing in in_force_during(first, last)]


def shown(figures_: dict) -> dict:
    """Stored figures as they are shown: saved before disclosure control, hidden wholesale."""
    return figures_ if "disclosure" in figures_ else suppression.legacy(figures_)


def api_summary(figures_: dict) -> dict:
    """The API's JSON shape (issue 4) from published figures: "x" is a hidden figure,
    null a figure not published for this filter (or, for a median, none to take)."""
    shown_ = shown(figures_)
    by_direction = shown_["by_direction"]
    if by_direction is not None:
        by_direction = {d: by_direction.get(d, 0) for d in DIRECTIONS}
    return {
        "period": shown_["period"],
        "filters": shown_["filters"],
        "total": shown_["total"],
        "by_direction": by_direction,
        "by_category": shown_["by_category"],
        "by_organisation": shown_["by_organisation"],
        "by_kind": shown_["by_kind"],
        "serious": shown_["serious"],
        "serious_decisions": shown_["serious_decisions"],
        "decision_steps": shown_.get("decision_steps"),
        "by_outcome": shown_.get("by_outcome"),
        "open": shown_["open"],
        "overdue": shown_["overdue"],
        "median_answer_days": shown_["median_answer_days"],
        "answered_in_time_share": shown_["answered_in_time_share"],
        "trend": [{"period": t["period"], "total": t["total"]} for t in shown_["trend"]],
        "disclosure": {k: v for k, v in shown_["disclosure"].items() if k != "filtered"},
        "agreement_versions": shown_.get("agreement_versions", []),
        # Measures, investigations, contributing factors and learning summaries, for the
        # whole period only (null under a filter, and in what was saved before them).
        "learning": shown_.get("learning"),
    }


@dataclass
class SnapshotInput:
    period: str
    meeting_on: date
    notes: str = ""
    filters: dict | None = None


def create_snapshot(user: User, data: SnapshotInput, now: datetime) -> Snapshot:
    scope = scope_of(user)
    period = parse_period(data.period)
    filters = parse_filters(data.filters or {}, scope.county)
    snap = Snapshot(period=period.label, meeting_on=data.meeting_on, notes=_clean(data.notes, "notes", True),
                    filters=filters.as_dict(),
                    figures=published(period, filters, now, scope=scope) | {"items": items_json(period, scope)},
                    created_at=now, created_by_id=user.id, county_code=scope.county)
    db.session.add(snap)
    db.session.flush()
    return snap


def snapshots(county: str) -> list[Snapshot]:
    """The samverkan's own snapshots."""
    return list(db.session.scalars(select(Snapshot).where(Snapshot.county_code == county)
                                   .order_by(Snapshot.meeting_on.desc(), Snapshot.id.desc())))


def get_snapshot(snapshot_id: int, county: str) -> Snapshot:
    """A snapshot of the samverkan's own forum; another's is answered as one that is not."""
    snap = db.session.get(Snapshot, snapshot_id)
    if snap is None or snap.county_code != county:
        raise NotFound("Ögonblicksbilden finns inte.")
    return snap


def start_build(user: User | None, period: Period, filters: Filters, now: datetime,
                county: str | None = None) -> Build:
    view_of(filters)  # one filter at a time, refused before anything is queued
    county = county or (user.organisation.county if user is not None else figures.default_scope().county)
    build = Build(period=period.label, filters=filters.as_dict(), status="pending", progress=0,
                  created_at=now, requested_by_id=user.id if user else None, county_code=county)
    db.session.add(build)
    db.session.flush()
    return build


def run_build(build_id: int, now: datetime) -> Build:
    """Compute a build's figures, storing progress as it goes (each step committed, so
    the page polling the row sees it move). Safe to run twice: it just recomputes."""
    build = db.session.get(Build, build_id)
    if build is None:
        raise NotFound("Sammanställningen finns inte.")
    build.status, build.progress = "running", 5
    db.session.commit()

    def progress(step: int) -> None:
        build.progress = max(build.progress, min(step, 95))
        db.session.commit()

    try:
        scope = Scope(build.county_code) if build.county_code else None
        build.figures = published(parse(build.period), parse_filters(build.filters or {}, build.county_code),
                                  now, progress, scope)
    except Exception:
        db.session.rollback()
        build.status = "failed"
        db.session.commit()
        raise
    build.status, build.progress, build.finished_at = "done", 100, now
    db.session.commit()
    return build


def get_build(build_id: int, county: str) -> Build:
    build = db.session.get(Build, build_id)
    if build is None or build.county_code != county:
        raise NotFound("Sammanställningen finns inte.")
    return build


@dataclass
class ItemInput:
    title: str
    text: str


def _clean(value: str, field: str, multiline: bool) -> str:
    try:
        value = clean_text(value or "", multiline=multiline).strip()
    except TextError as exc:
        raise ValidationFailed({field: [exc.message]}) from None
    if personnummer.contains(value):
        raise ValidationFailed({field: ["Texten får inte innehålla personnummer eller samordningsnummer."]})
    return value


def can_raise(user: User) -> bool:
    return user.has_role(*CASE_WORKERS)


def raise_case(user: User, case: Case, data: ItemInput, now: datetime) -> ForumItem:
    """`case` must come from policy.get_case_for: the caller could see it."""
    errors: dict[str, list[str]] = {}
    try:
        title = _clean(data.title, "title", False)
    except ValidationFailed as exc:
        errors |= exc.errors
        title = ""
    try:
        text = _clean(data.text, "text", True)
    except ValidationFailed as exc:
        errors |= exc.errors
        text = ""
    if not errors and not title:
        errors["title"] = ["Ange en rubrik."]
    if not errors and not text:
        errors["text"] = ["Skriv vad forumet ska ta upp."]
    if errors:
        raise ValidationFailed(errors)
    item = ForumItem(case_id=case.id, author_id=user.id, created_at=now,
                     period=quarter_of(case.reported_at).label, title=title, text=text)
    db.session.add(item)
    db.session.flush()
    return item


def masked(text: str) -> str:
    """Forum text with any personnummer or samordningsnummer masked (the one detector)."""
    return personnummer.mask(text or "")


def shown_items(items: list[dict]) -> list[dict]:
    """Items as shown, stored ones included (a snapshot keeps what was written then)."""
    return [i | {"title": masked(i.get("title", "")), "text": masked(i.get("text", ""))} for i in items]


def items_json(period: Period, scope: Scope | None = None) -> list[dict]:
    """De-identified: only the forum text and coarse facts; never reference or names.
    The scope's cases only (a samverkan's own, or those between two counties)."""
    labels = [q.label for q in period.quarters()]
    directory = figures.Directory.load(scope)
    rows = db.session.execute(
        select(ForumItem, Case.category, Case.kind, Case.serious, Case.risk,
               Case.sender_organisation_id, Case.receiver_organisation_id)
        .join(Case, Case.id == ForumItem.case_id)
        .where(ForumItem.period.in_(labels), directory.clause()).order_by(ForumItem.created_at, ForumItem.id)
    ).all()
    return [{
        "id": item.id, "period": item.period, "title": masked(item.title), "text": masked(item.text),
        "category": category, "kind": kind.value, "serious": serious,
        "risk_level": figures.risk_level(risk),
        "direction": directory.direction(sender_id, receiver_id),
    } for item, category, kind, serious, risk, sender_id, receiver_id in rows]
