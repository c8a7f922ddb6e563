"""/healthz for a load balancer: the database, the broker and the outbox backlog.

Only a database that does not answer makes the node unhealthy (503): with the broker
down, filing still works (the outbox keeps the work), so that is reported, not failed.
"""
import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from avvikelse.core import outbox
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    body: dict = {"database": "ok", "broker": _broker()}
    try:
        db.session.execute(text("SELECT 1"))
        body["backlog"] = outbox.backlog(now_utc())
    except Exception as exc:  # any failure to answer is "down", whatever the driver says
        db.session.rollback()
        log.warning("healthz: database unavailable: %s", type(exc).__name__)
        body["database"] = "unavailable"
    healthy = body["database"] == "ok"
    body["status"] = "ok" if healthy and body["broker"] == "ok" else ("degraded" if healthy else "down")
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if healthy else 503


def _broker() -> str:
    try:
        with current_app.extensions["celery"].connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=1)
        return "ok"
    except Exception as exc:
        log.warning("healthz: broker unavailable: %s", type(exc).__name__)
        return "unavailable"
