"""An administrator's work on the accounts of their own organisation.

Roles that open case content (handler, MAS, SAS, chefsläkare) are only requested here and
take effect when a MAS or chefsläkare approves them (accounts/grants.py, the two-person
rule); every other role is given at once. Every change is written to the admin history.
Integration accounts have their own page (integrations/).
"""
import re
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from avvikelse.accounts import grants, history, throttle
from avvikelse.accounts.models import Role, RoleGrant, User
from avvikelse.accounts.services import (create_user, deactivate_user, set_temporary_password,
                                         user_by_username)
from avvikelse.cases.changes import record_change
from avvikelse.cases.enums import OPEN_STATUSES
from avvikelse.cases.models import Case
from avvikelse.core.email_address import INVALID as INVALID_ADDRESS
from avvikelse.core.email_address import is_plain_address
from avvikelse.core.errors import NotFound, ValidationFailed
from avvikelse.directory.models import Unit
from avvikelse.extensions import db

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
ROLE_NAMES = {
    "reporter": "rapportör", "handler": "handläggare", "mas": "MAS", "chefslakare": "chefsläkare",
    "sas": "SAS", "forum": "forum", "admin": "administratör",
}


def role_name(role: Role) -> str:
    return ROLE_NAMES.get(role.value, role.value)


def can_administer(user) -> bool:
    return bool(user and user.is_authenticated and user.has_role(Role.ADMIN)
                and not user.is_integration and user.active)


@dataclass
class AccountInput:
    full_name: str = ""
    email: str | None = None
    unit_ids: set[int] = field(default_factory=set)
    roles: set[Role] = field(default_factory=set)
    username: str | None = None


def people(admin: User) -> list[User]:
    """The organisation's accounts for people (integration accounts aside), those awaiting
    setup first."""
    rows = db.session.scalars(
        select(User).where(User.organisation_id == admin.organisation_id,
                           User.is_integration.is_(False))
        .order_by(User.awaiting_setup.desc(), User.active.desc(), User.username))
    return list(rows)


def get_for(admin: User, user_id: int) -> User:
    """A person's account of the admin's organisation, or NotFound alike for the rest."""
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != admin.organisation_id or user.is_integration:
        raise NotFound("Kontot finns inte.")
    return user


def _units(admin: User, unit_ids: set[int], errors: dict) -> list[Unit]:
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))) if unit_ids else []
    if len(units) != len(unit_ids) or any(
            u.organisation_id != admin.organisation_id or not u.active for u in units):
        errors["units"] = ["Välj enheter i den egna organisationen."]
    return units


def _details(data: AccountInput, errors: dict) -> tuple[str, str | None]:
    email = (data.email or "").strip() or None
    if email is not None and not is_plain_address(email):
        errors["email"] = [INVALID_ADDRESS]
    return (data.full_name or "").strip()[:200], email


def create(admin: User, data: AccountInput, now: datetime) -> tuple[User, str | None, list[RoleGrant]]:
    """A new account: the roles that open case content wait for approval. Returns the
    account, its temporary password (None when password login is off) and the grants
    it waits for."""
    errors: dict[str, list[str]] = {}
    username = (data.username or "").strip().lower()
    if not USERNAME.match(username):
        errors["username"] = ["2–80 tecken: a–z, 0–9, punkt, bindestreck eller understreck."]
    elif user_by_username(username) is not None:
        errors["username"] = ["Användarnamnet är upptaget."]
    units = _units(admin, data.unit_ids, errors)
    full_name, email = _details(data, errors)
    if errors:
        raise ValidationFailed(errors)
    user = create_user(username, admin.organisation, set(), None, units=units, email=email,
                       full_name=full_name)
    pending = grants.assign(user, data.roles - {Role.REPORTER}, admin, now)
    history.record(admin, "created", admin.organisation_id, _summary(user, pending), user=user, at=now)
    password = None
    if current_app.config["PASSWORD_LOGIN_ENABLED"]:
        password = set_temporary_password(user, now)
    db.session.flush()
    return user, password, pending


def _summary(user: User, pending: list[RoleGrant]) -> str:
    roles = ", ".join(role_name(r) for r in sorted(user.roles)) or "inga"
    units = ", ".join(u.name for u in user.units) or "organisationens mottagning"
    waiting = f" Väntar på godkännande: {', '.join(role_name(g.role) for g in pending)}." if pending else ""
    return f"Roller: {roles}. Enheter: {units}.{waiting}"


def update(admin: User, user: User, data: AccountInput, now: datetime) -> list[RoleGrant]:
    """Name, address, units and roles as the form has them; each kind of change a row of
    history. Returns the grants that now wait for approval."""
    errors: dict[str, list[str]] = {}
    units = _units(admin, data.unit_ids, errors)
    full_name, email = _details(data, errors)
    if user.id == admin.id and Role.ADMIN not in data.roles:
        errors["roles"] = ["Du kan inte ta bort din egen administratörsroll."]
    if errors:
        raise ValidationFailed(errors)
    if (full_name or user.username, email) != (user.full_name, user.email):
        user.full_name, user.email = full_name or user.username, email
        history.record(admin, "details", admin.organisation_id,
                       f"Namn: {user.full_name}. E-post: {email or 'ingen'}.", user=user, at=now)
    if {u.id for u in units} != user.unit_ids:
        before = ", ".join(u.name for u in user.units) or "mottagningen"
        user.units = units
        after = ", ".join(u.name for u in units) or "mottagningen"
        history.record(admin, "units", admin.organisation_id, f"Från {before} till {after}.",
                       user=user, at=now)
    return _roles(admin, user, data.roles | {Role.REPORTER}, now)


def _roles(admin: User, user: User, wanted: set[Role], now: datetime) -> list[RoleGrant]:
    removed = user.roles - wanted
    if removed:
        user.role_rows = [r for r in user.role_rows if r.role not in removed]
    before = set(user.roles)
    pending = grants.assign(user, wanted - user.roles, admin, now)
    added = user.roles - before
    if added or removed:
        parts = [f"Gav {', '.join(role_name(r) for r in sorted(added))}." if added else "",
                 f"Tog bort {', '.join(role_name(r) for r in sorted(removed))}." if removed else ""]
        history.record(admin, "roles", admin.organisation_id, " ".join(p for p in parts if p),
                       user=user, at=now)
    if pending:
        history.record(admin, "role_requested", admin.organisation_id,
                       f"{', '.join(role_name(g.role) for g in pending)}: gäller när MAS eller "
                       "chefsläkare har godkänt.", user=user, at=now)
    db.session.flush()
    return pending


def complete_setup(admin: User, user: User, data: AccountInput, now: datetime) -> list[RoleGrant]:
    """An account single sign-on created, given a unit and a role: active from now (its
    case-content roles still wait for approval)."""
    if not user.awaiting_setup:
        raise ValidationFailed({"form": ["Kontot väntar inte på att iordningställas."]})
    if not data.unit_ids:
        raise ValidationFailed({"units": ["Välj minst en enhet."]})
    if not data.roles:
        raise ValidationFailed({"roles": ["Välj minst en roll."]})
    pending = update(admin, user, data, now)
    user.awaiting_setup, user.active = False, True
    history.record(admin, "setup", admin.organisation_id, "Kontot kan nu användas.", user=user, at=now)
    return pending


def deactivate(admin: User, user: User, now: datetime) -> int:
    """The account ends: no sign-in, sessions and tokens gone; its open cases lose their
    owner (with a history row each), so nobody waits on someone who has left. Returns
    how many cases it owned."""
    if user.id == admin.id:
        raise ValidationFailed({"form": ["Du kan inte avaktivera ditt eget konto."]})
    if not user.active:
        raise ValidationFailed({"form": ["Kontot är redan avaktiverat."]})
    deactivate_user(user, now)
    owned = list(db.session.scalars(select(Case).where(
        Case.owner_id == user.id, Case.status.in_(OPEN_STATUSES))))
    for case in owned:
        case.owner = None
        record_change(case, "assign", None, now, announce=False,
                      note=f"{user.full_name or user.username} har slutat: ärendet saknar nu ansvarig.")
    history.record(admin, "deactivated", admin.organisation_id,
                   f"Sessioner och token avslutade. Ansvarade för {len(owned)} öppna ärenden.",
                   user=user, at=now)
    return len(owned)


def reactivate(admin: User, user: User, now: datetime) -> None:
    if user.active or user.awaiting_setup:
        raise ValidationFailed({"form": ["Kontot är redan aktivt."]})
    user.active = True
    history.record(admin, "reactivated", admin.organisation_id, "", user=user, at=now)


def reset_password(admin: User, user: User, now: datetime) -> str:
    """A temporary password, shown once to the administrator; every session and token of
    the account ends, and the person chooses their own at the next sign-in."""
    if not current_app.config["PASSWORD_LOGIN_ENABLED"]:
        raise ValidationFailed({"form": ["Inloggning med lösenord är avstängd: kontot loggar in "
                                         "med e-tjänstekort."]})
    password = set_temporary_password(user, now)
    history.record(admin, "password_reset", admin.organisation_id,
                   "Sessioner och token avslutade; nytt lösenord väljs vid nästa inloggning.",
                   user=user, at=now)
    return password


def unlock(admin: User, user: User, now: datetime) -> bool:
    cleared = throttle.unlock(current_app, user.username)
    if cleared:
        history.record(admin, "unlocked", admin.organisation_id, "", user=user, at=now)
    return cleared
