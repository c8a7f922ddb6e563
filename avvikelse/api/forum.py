"""The forum in the API: live figures and snapshots, disclosure control applied.

`GET /forum/summary?period=2026Q3` (or `2026`) with at most one of `organisation`,
`category`, `kind`, `direction` (two or more: 422); `GET /forum/snapshots` and
`/forum/snapshots/<id>`. For the forum, MAS, SAS, chefsläkare and administrators; others 403.
A hidden figure is "x" (every answer for the period hides the same cells, whatever the
filter); null is a figure not published with a filter, or a median with nothing to take.
"""
from flask import g, request

from avvikelse.api.errors import fail
from avvikelse.core.clock import iso
from avvikelse.core.clock import now_utc
from avvikelse.api.adapter import json_body, validate
from avvikelse.forum import disputes, services
from avvikelse.forum.forms import ConclusionForm
from avvikelse.forum.filters import parse_filters, view_of


def _forum_only() -> None:
    if not services.is_forum_user(g.api_user):
        fail(403, "Forumets siffror är för forumets ledamöter, MAS, SAS, chefsläkare och systemförvaltare.")


def forum_summary():
    _forum_only()
    errors = {}
    try:
        period = services.parse_period(request.args.get("period"))
    except services.ValidationFailed as exc:
        errors |= exc.errors
    try:
        filters = parse_filters(request.args, services.scope_of(g.api_user).county)
        view_of(filters)
    except services.ValidationFailed as exc:
        errors |= exc.errors
    if errors:
        raise services.ValidationFailed(errors)
    return services.api_summary(services.published(period, filters, now_utc(), scope=services.scope_of(g.api_user)))


def _snapshot_json(snap, with_figures: bool) -> dict:
    body = {"id": snap.id, "period": snap.period, "meeting_on": iso(snap.meeting_on), "notes": snap.notes,
            "filters": snap.filters, "created_at": iso(snap.created_at)}
    if with_figures:
        body["summary"] = services.api_summary(snap.figures)
        body["items"] = services.shown_items(snap.figures.get("items", []))
    return body


def forum_snapshots():
    _forum_only()
    return {"items": [_snapshot_json(s, False) for s in services.snapshots(services.scope_of(g.api_user).county)]}


def forum_snapshot(snapshot_id: int):
    _forum_only()
    return _snapshot_json(services.get_snapshot(snapshot_id, services.scope_of(g.api_user).county), True)


def forum_disputes():
    """The forum's agenda of disputes, de-identified (forum/disputes.py)."""
    _forum_only()
    return {"items": [_dispute_json(disputes.summary(case))
                      for case in disputes.agenda(g.api_user.organisation.county)]}


def settle_dispute(reference: str):
    """The forum's conclusion: role forum only; the case closes as settled in the forum."""
    if not disputes.may_settle(g.api_user):
        fail(403, "Bara samverkansforumets ledamöter avgör tvister.")
    case = disputes.get_dispute(reference, g.api_user.organisation.county)
    form = validate(ConclusionForm, json_body())
    disputes.settle(g.api_user, case, form.conclusion.data, now_utc())
    return {"reference": case.reference, "status": str(case.status), "outcome": str(case.outcome)}


def _dispute_json(item: dict) -> dict:
    return item | {"reported_at": iso(item["reported_at"]), "answered_at": iso(item["answered_at"])}
