"""Writing the access log, in the same transaction as the request's own work.

Called explicitly: by the case policy for every read and denial, by `record_change` for
every change a person makes, by exports and prints for each case they disclose."""
from flask import has_request_context, request
from sqlalchemy import select

from avvikelse.audit.models import AccessLog
from avvikelse.core import personnummer
from avvikelse.core.clock import now_utc
from avvikelse.extensions import db


def _safe_target(target: str | None) -> str | None:
    """A guessed reference is kept as typed for the review, unless it holds a personnummer
    (someone typing one into a URL): that must not reach the log."""
    if not target:
        return None
    if personnummer.contains(target, now_utc().date()):
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
               blind_index: str | None = None, identified: bool = False,
               deputy_for=None, via_investigation_id: int | None = None) -> AccessLog:
    """A row of the log. The case's patient blind index goes in only when the caller says
    the user could identify the patient (`identified`, the case policy's judgement): a
    row about a de-identified case must not let anyone find it by personnummer.
    `deputy_for`: the absent person the user read or acted for as their deputy. A read
    that came through a joint investigation (its participants are not the case's sides)
    names it (`via_investigation_id`)."""
    return AccessLog(
        at=now_utc(),
        user_id=getattr(user, "id", None),
        hsa_id=getattr(user, "hsa_id", None),
        organisation_id=getattr(user, "organisation_id", None),
        unit_id=_unit_id(user, case),
        action=action,
        case=case,
        target=_safe_target(target),
        patient_blind_index=(case.patient_blind_index if case is not None and identified
                             else blind_index),
        channel=_channel(),
        approved_by_id=_approver(user),
        deputy_for_id=getattr(deputy_for, "id", None),
        via_investigation_id=via_investigation_id,
    )


def _approver(user) -> int | None:
    """An integration's row names who approved its case-content role (two-person rule)."""
    if user is None or not getattr(user, "is_integration", False):
        return None
    from avvikelse.accounts.grants import approver_of

    return approver_of(user)


def log_access(user, action: str, case=None, target: str | None = None,
               blind_index: str | None = None, identified: bool = False,
               deputy_for=None, via_investigation_id: int | None = None) -> None:
    db.session.add(access_row(user, action, case, target, blind_index, identified, deputy_for,
                              via_investigation_id))


def disclosed_since(case, organisation_id: int, since) -> bool:
    """Whether a "disclose" row exists for the case and organisation since `since`."""
    return db.session.scalar(select(AccessLog.id).where(
        AccessLog.case_id == case.id, AccessLog.action == "disclose",
        AccessLog.organisation_id == organisation_id, AccessLog.at >= since).limit(1)) is not None
