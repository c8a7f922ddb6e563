"""Who is on a case: its owner, a handler of the receiving side.

The handler who acknowledges a case without an owner becomes it; the receiving side's
handlers choose another (action assign, which writes history like every change). A
forward to a unit the owner does not work with, or a redirect to another organisation,
leaves the case without one until someone takes it.
"""
from sqlalchemy import select

from avvikelse.accounts.models import CASE_WORKERS, User, UserRole
from avvikelse.cases.models import Case
from avvikelse.cases.policy import own_sides
from avvikelse.cases.transitions import Side
from avvikelse.extensions import db


def may_own(user: User | None, case: Case) -> bool:
    """An active person (not a system) whose own roles and units put them on the case's
    receiving side: a handler of its unit or the intake, or an overseer."""
    return (user is not None and user.active and not user.is_integration
            and not user.awaiting_setup and Side.RECEIVER in own_sides(user, case))


def name(user: User) -> str:
    return user.full_name or user.username


def candidates(case: Case) -> list[User]:
    """Who may own the case, for the page's choice: the receiving organisation's
    handlers and overseers who work with it, by name."""
    stmt = (select(User).join(UserRole)
            .where(User.organisation_id == case.receiver_organisation_id, User.active,
                   User.is_integration.is_(False), UserRole.role.in_(CASE_WORKERS))
            .order_by(User.full_name, User.username))
    return [u for u in db.session.scalars(stmt).unique() if may_own(u, case)]


def organisation_handler_choices(organisation_id: int) -> list[tuple[str, str]]:
    """Everyone in an organisation who could own some of its cases, as (username, name):
    the bulk form's choice (each case's own rule decides). Columns only, by name."""
    stmt = (select(User.username, User.full_name).join(UserRole)
            .where(User.organisation_id == organisation_id, User.active,
                   User.is_integration.is_(False), User.awaiting_setup.is_(False),
                   UserRole.role.in_(CASE_WORKERS))
            .group_by(User.id, User.username, User.full_name)  # one row a person, whatever their roles
            .order_by(User.full_name, User.username))
    return [(username, full_name or username) for username, full_name in db.session.execute(stmt)]
