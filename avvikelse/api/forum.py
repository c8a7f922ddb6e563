"""The forum in the API: live figures and snapshots, suppression applied.

`GET /forum/summary?period=2026Q3` (or `2026`) with optional `organisation`,
`category`, `kind`, `direction`; `GET /forum/snapshots` and `/forum/snapshots/<id>`.
For the roles forum, mas, chefslakare and admin; others get 403.
"""
from flask import g, request

from avvikelse.api.errors import fail
from avvikelse.core.clock import iso
from avvikelse.core.clock import now_utc
from avvikelse.forum import services
from avvikelse.forum.filters import parse_filters


def _forum_only() -> None:
    if not services.is_forum_user(g.api_user):
        fail(403, "Forumets siffror är för forumets ledamöter, MAS, chefsläkare och systemförvaltare.")


def forum_summary():
    _forum_only()
    errors = {}
    try:
        period = services.parse_period(request.args.get("period"))
    except services.ValidationFailed as exc:
        errors |= exc.errors
    try:
        filters = parse_filters(request.args)
    except services.ValidationFailed as exc:
        errors |= exc.errors
    if errors:
        raise services.ValidationFailed(errors)
    return services.api_summary(services.summary(period, filters, now_utc()))


def _snapshot_json(snap, with_figures: bool) -> dict:
    body = {"id": snap.id, "period": snap.period, "meeting_on": iso(snap.meeting_on), "notes": snap.notes,
            "filters": snap.filters, "created_at": iso(snap.created_at)}
    if with_figures:
        body["summary"] = services.api_summary(snap.figures)
        body["items"] = snap.figures.get("items", [])
    return body


def forum_snapshots():
    _forum_only()
    return {"items": [_snapshot_json(s, False) for s in services.snapshots()]}


def forum_snapshot(snapshot_id: int):
    _forum_only()
    return _snapshot_json(services.get_snapshot(snapshot_id), True)
