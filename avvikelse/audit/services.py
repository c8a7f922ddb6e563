"""Writing the access log, in the same transaction as the request's own work.

Called explicitly: by the case policy for every read and denial, by `record_change` for
every change a person makes, by exports and prints for each case they disclose."""
import re

from flask import has_request_context, request

from avvikelse.audit.models import AccessLog
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db


# A guessed reference is kept for the review, unless it looks like a personnummer
# (someone typing one into a URL): that must not reach the log.
_PNR_LIKE = re.compile(r"\d{6,8}[-+ ]?\d{4}")


def _safe_target(target: str | None) -> str | None:
    if not target:
        return None
    if _PNR_LIKE.search(target):
        return "[personnummerliknande]"
    return target[:64]


def _channel() -> str:
    if has_request_context() and request.path.startswith("/api/"):
        return "api"
    return "web"


def _unit_id(user, case) -> int | None:
    """The unit the user acted from: their only unit, or the case's unit among theirs."""
    units = getattr(user, "unit_ids", set()) if user is not None else set()
    if len(units) == 1:
        return next(iter(units))
    if case is not None:
        for unit_id in (case.sender_unit_id, case.receiver_unit_id):
            if unit_id in units:
                return unit_id
    return None


def access_row(user, action: str, case=None, target: str | None = None,
               blind_index: str | None = None) -> AccessLog:
    return AccessLog(
        at=now_utc(),
        user_id=getattr(user, "id", None),
        hsa_id=getattr(user, "hsa_id", None),
        organisation_id=getattr(user, "organisation_id", None),
        unit_id=_unit_id(user, case),
        action=action,
        case=case,
        target=_safe_target(target),
        patient_blind_index=(case.patient_blind_index if case is not None else blind_index),
        channel=_channel(),
        approved_by_id=_approver(user),
    )


def _approver(user) -> int | None:
    """An integration's row names who approved its case-content role (two-person rule)."""
    if user is None or not getattr(user, "is_integration", False):
        return None
    from avvikelse.accounts.grants import approver_of

    return approver_of(user)


def log_access(user, action: str, case=None, target: str | None = None,
               blind_index: str | None = None) -> None:
    db.session.add(access_row(user, action, case, target, blind_index))


def log_export(user, cases, action: str = "export") -> None:
    """One row per case in an export or a print: each patient's record was disclosed."""
    for case in cases:
        log_access(user, action, case=case)
