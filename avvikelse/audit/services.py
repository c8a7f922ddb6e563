"""Writing the access log, in the same transaction as the request's own work."""
from flask import has_request_context, request

from avvikelse.audit.models import AccessLog
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db


def _channel() -> str:
    if has_request_context() and request.path.startswith("/api/"):
        return "api"
    return "web"


def log_access(user, action: str, case=None, target: str | None = None) -> None:
    db.session.add(
        AccessLog(
            at=now_utc(),
            user_id=getattr(user, "id", None),
            organisation_id=getattr(user, "organisation_id", None),
            action=action,
            case_id=case.id if case is not None else None,
            target=(target or "")[:64] or None,
            patient_blind_index=case.patient_blind_index if case is not None else None,
            channel=_channel(),
        )
    )
