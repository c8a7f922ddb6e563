"""Whether anyone's absence today names a person as deputy: a cheap question the
session's user load carries (accounts/sessions.py), so that absence.standing_in_for, which
the nav asks on every page, needs no query of its own for the many no absence names."""
from datetime import date

from flask import has_request_context, request
from sqlalchemy import and_, event, or_, select
from sqlalchemy.orm import Session, aliased

from avvikelse.accounts.models import Absence, User
from avvikelse.core import workdays
from avvikelse.core.clock import now_utc

#: request.environ key: (user id, day) for which the user's load found no absence naming them
_NOBODY = "avvikelse.standing_in.nobody"
_ABSENT = aliased(User)


def today() -> date:
    return workdays.local_date(now_utc())


def may_stand_in(user_id, on):
    """SQL: whether any absence on `on` names `user_id` (a column or parameter) as its
    deputy, or names nobody and the absent person has them as standing deputy. A
    necessary condition for standing_in_for to find anyone (it also asks for an active
    overseer of the same organisation)."""
    return (select(Absence.id).join(_ABSENT, Absence.user_id == _ABSENT.id)
            .where(Absence.starts_on <= on, Absence.ends_on >= on,
                   or_(Absence.deputy_id == user_id,
                       and_(Absence.deputy_id.is_(None), _ABSENT.standing_deputy_id == user_id)))
            .exists())


def nobody_names(user_id: int, on: date) -> None:
    """Recorded by the session's user load when may_stand_in was false: for the rest of
    this request, or until its session writes, standing_in_for answers [] at once."""
    request.environ[_NOBODY] = (user_id, on)


def named_by_nobody(user_id: int, on: date) -> bool:
    return request.environ.get(_NOBODY) == (user_id, on)


@event.listens_for(Session, "after_flush")
def _wrote(_session, _flush_context) -> None:
    # An absence (or a standing deputy) written in this request: ask the database again.
    if has_request_context():
        request.environ.pop(_NOBODY, None)


@event.listens_for(Session, "do_orm_execute")
def _executed(state) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and has_request_context():
        request.environ.pop(_NOBODY, None)
