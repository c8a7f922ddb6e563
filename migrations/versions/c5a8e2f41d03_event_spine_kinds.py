"""Outbox events waiting at upgrade take the event spine's kinds and payloads

Revision ID: c5a8e2f41d03
Revises: b41f0c2e9d17
Create Date: 2026-11-30 12:00:00

Before, a change of status was `case.status_changed` {case_id, case_event_id}, a routed
case also `case.routed` {case_id, at}, and a message `case.message` {case_id,
message_id}. Now every change is `case.<action>` carrying its history row's codes
(avvikelse/cases/changes.py) and events name cases by reference. Events still waiting
when the new code starts are rewritten here, so none is lost or fails: a routed case's
`case.routed` becomes the `case.route` the new code emits (which escalates a serious
case), unless that route's own change is waiting too and becomes it.
No schema change; downgrade leaves the rewritten events as they are.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c5a8e2f41d03'
down_revision = 'b41f0c2e9d17'
branch_labels = None
depends_on = None

events = sa.table("outbox_events", sa.column("id", sa.String), sa.column("kind", sa.String),
                  sa.column("payload", sa.JSON), sa.column("processed_at", sa.DateTime))
cases = sa.table("cases", sa.column("id", sa.Integer), sa.column("reference", sa.String))
history = sa.table("case_events", sa.column("id", sa.Integer), sa.column("case_id", sa.Integer),
                   sa.column("at", sa.DateTime), sa.column("actor_id", sa.Integer),
                   sa.column("action", sa.String), sa.column("from_status", sa.String),
                   sa.column("to_status", sa.String))


def upgrade():
    conn = op.get_bind()
    waiting = conn.execute(sa.select(events.c.id, events.c.kind, events.c.payload).where(
        events.c.processed_at.is_(None),
        events.c.kind.in_(["case.status_changed", "case.routed", "case.message"]))).all()
    routes_waiting = set()
    for event_id, kind, payload in sorted(waiting, key=lambda e: e[1] != "case.status_changed"):
        reference = conn.scalar(sa.select(cases.c.reference).where(cases.c.id == payload["case_id"]))
        if kind == "case.message":
            _rewrite(conn, event_id, kind, {"reference": reference, "message_id": payload["message_id"]})
            continue
        if kind == "case.status_changed":
            row = conn.execute(sa.select(history).where(history.c.id == payload["case_event_id"])).one()
            if row.action == "route":
                routes_waiting.add(payload["case_id"])
            _rewrite(conn, event_id, f"case.{row.action}", _change(reference, row))
            continue
        # case.routed
        if payload["case_id"] in routes_waiting:
            conn.execute(events.update().where(events.c.id == event_id).values(
                processed_at=sa.func.current_timestamp()))
            continue
        row = conn.execute(sa.select(history).where(
            history.c.case_id == payload["case_id"], history.c.action == "route")
            .order_by(history.c.id.desc()).limit(1)).one()
        _rewrite(conn, event_id, "case.route", _change(reference, row) | {"at": payload["at"]})


def _change(reference, row) -> dict:
    at = row.at if isinstance(row.at, str) else row.at.isoformat()
    if "+" not in at[10:] and not at.endswith("Z"):  # SQLite keeps naive UTC
        at += "+00:00"
    return {"reference": reference, "action": row.action, "from_status": row.from_status,
            "to_status": row.to_status, "actor_id": row.actor_id, "at": at}


def _rewrite(conn, event_id, kind, payload) -> None:
    conn.execute(events.update().where(events.c.id == event_id).values(kind=kind, payload=payload))


def downgrade():
    pass
