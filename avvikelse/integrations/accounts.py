"""Integration accounts: a system's own user, in one organisation, with API tokens only.

An organisation's administrators create them and issue and revoke their tokens; the
account has no password, so it cannot log in to the pages. What it may do is what its
roles and units allow, through the same access policy as a person's. A role that opens
case content (handler) is only requested here: it takes effect when the organisation's
MAS or chefsläkare approves it (accounts/grants.py).
"""
import re

from sqlalchemy import select

from avvikelse.accounts import grants
from avvikelse.accounts.models import INTEGRATION_ROLES, Role, RoleGrant, User
from avvikelse.accounts.services import create_user, user_by_username
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import NotFound, ValidationFailed
from avvikelse.directory.models import Unit
from avvikelse.extensions import db

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,79}$")


def can_manage(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMIN) and not user.is_integration


def create(admin: User, username: str, full_name: str, roles: set[Role],
           unit_ids: set[int]) -> tuple[User, list[RoleGrant]]:
    """The new account and the grants it waits for (its case-content roles)."""
    errors: dict[str, list[str]] = {}
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        errors["username"] = ["3–80 tecken: a–z, 0–9, punkt, bindestreck eller understreck."]
    elif user_by_username(username) is not None:
        errors["username"] = ["Användarnamnet är upptaget."]
    if not roles or not roles <= set(INTEGRATION_ROLES):
        errors["roles"] = ["Välj rapportör, handläggare eller båda."]
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))) if unit_ids else []
    if any(u.organisation_id != admin.organisation_id for u in units) or len(units) != len(unit_ids):
        errors["units"] = ["Välj enheter i den egna organisationen."]
    if errors:
        raise ValidationFailed(errors)
    user = create_user(username, admin.organisation, set(), None, units=units,
                       email=None, full_name=(full_name or "").strip()[:200])
    user.is_integration = True
    pending = grants.assign(user, roles, admin, now_utc())
    db.session.flush()
    return user, pending


def for_organisation(admin: User) -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.is_integration.is_(True), User.organisation_id == admin.organisation_id)
        .order_by(User.username)))


def get_for(admin: User, user_id: int) -> User:
    """An integration account of the admin's own organisation, or NotFound."""
    user = db.session.get(User, user_id)
    if user is None or not user.is_integration or user.organisation_id != admin.organisation_id:
        raise NotFound("Integrationskontot finns inte.")
    return user
