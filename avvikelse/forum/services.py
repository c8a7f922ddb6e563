"""The forum's services: summaries, snapshots, builds and items brought to the forum."""
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from avvikelse.accounts.models import CASE_WORKERS, FORUM_READERS, User
from avvikelse.cases.models import Case
from avvikelse.core.errors import NotFound, ValidationFailed
from avvikelse.core.text import TextError, clean_text
from avvikelse.extensions import db
from avvikelse.forum import figures, suppression
from avvikelse.forum.filters import DIRECTIONS, Filters, parse_filters
from avvikelse.forum.models import Build, ForumItem, Snapshot
from avvikelse.forum.periods import Period, PeriodError, parse, quarter_of

# A personnummer or samordningsnummer in any common spelling: the forum never gets one.
_PNR = re.compile(r"(?<!\d)(?:\d{2})?\d{6}\s?[-+]?\s?\d{4}(?!\d)")


def is_forum_user(user: User) -> bool:
    return user.is_authenticated and user.has_role(*FORUM_READERS)


def parse_period(text: str | None) -> Period:
    try:
        return parse(text)
    except PeriodError as exc:
        raise ValidationFailed({"period": [exc.message]}) from None


def summary(period: Period, filters: Filters, now: datetime, progress=lambda step: None) -> dict:
    """Raw figures: call `suppression.apply` before anyone sees them."""
    return figures.compute(period, filters, now, progress=progress)


def api_summary(raw: dict) -> dict:
    """The API's JSON shape (issue 4), suppression applied."""
    shown = suppression.apply(raw)
    by_direction = {d: shown["by_direction"].get(d, 0) for d in DIRECTIONS}
    return {
        "period": raw["period"],
        "filters": raw["filters"],
        "total": shown["total"],
        "by_direction": by_direction,
        "by_category": shown["by_category"],
        "by_organisation": shown["by_organisation"],
        "by_kind": shown["by_kind"],
        "serious": shown["serious"],
        "serious_decisions": shown["serious_decisions"],
        "open": shown["open"],
        "overdue": shown["overdue"],
        "median_answer_days": raw["median_answer_days"],
        "answered_in_time_share": raw["answered_in_time_share"],
        "trend": [{"period": t["period"], "total": t["total"]} for t in shown["trend"]],
    }


@dataclass
class SnapshotInput:
    period: str
    meeting_on: date
    notes: str = ""
    filters: dict | None = None


def create_snapshot(user: User, data: SnapshotInput, now: datetime) -> Snapshot:
    period = parse_period(data.period)
    filters = parse_filters(data.filters or {})
    snap = Snapshot(period=period.label, meeting_on=data.meeting_on, notes=_clean(data.notes, "notes", True),
                    filters=filters.as_dict(), figures=summary(period, filters, now) | {"items": items_json(period)},
                    created_at=now, created_by_id=user.id)
    db.session.add(snap)
    db.session.flush()
    return snap


def snapshots() -> list[Snapshot]:
    return list(db.session.scalars(select(Snapshot).order_by(Snapshot.meeting_on.desc(), Snapshot.id.desc())))


def get_snapshot(snapshot_id: int) -> Snapshot:
    snap = db.session.get(Snapshot, snapshot_id)
    if snap is None:
        raise NotFound("Ögonblicksbilden finns inte.")
    return snap


def start_build(user: User | None, period: Period, filters: Filters, now: datetime) -> Build:
    build = Build(period=period.label, filters=filters.as_dict(), status="pending", progress=0,
                  created_at=now, requested_by_id=user.id if user else None)
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
        build.figures = summary(parse(build.period), parse_filters(build.filters or {}), now, progress)
    except Exception:
        db.session.rollback()
        build.status = "failed"
        db.session.commit()
        raise
    build.status, build.progress, build.finished_at = "done", 100, now
    db.session.commit()
    return build


def get_build(build_id: int) -> Build:
    build = db.session.get(Build, build_id)
    if build is None:
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
    if _PNR.search(value):
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


def items_json(period: Period) -> list[dict]:
    """De-identified: only the forum text and coarse facts; never reference or names."""
    labels = [q.label for q in period.quarters()]
    rows = db.session.execute(
        select(ForumItem, Case.category, Case.kind, Case.serious, Case.risk,
               Case.sender_organisation_id, Case.receiver_organisation_id)
        .join(Case, Case.id == ForumItem.case_id)
        .where(ForumItem.period.in_(labels)).order_by(ForumItem.created_at, ForumItem.id)
    ).all()
    directory = figures.Directory.load()
    return [{
        "id": item.id, "period": item.period, "title": item.title, "text": item.text,
        "category": category, "kind": kind.value, "serious": serious,
        "risk_level": figures.risk_level(risk),
        "direction": directory.direction(sender_id, receiver_id),
    } for item, category, kind, serious, risk, sender_id, receiver_id in rows]
