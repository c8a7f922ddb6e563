"""The two-person rule for roles that open case content.

A role in CASE_CONTENT_ROLES (handler, MAS, chefsläkare, SAS) given on a page or through the
API is only *requested*: it takes effect when a second person, a MAS or chefsläkare of
the grantee's organisation who is neither the requester nor the grantee, approves it.
A pending or rejected grant gives nothing: the access policy reads UserRole rows only,
and the UserRole is made at approval. Other roles are given at once.

Operators on the server (`flask users add --role`) grant directly; that is recorded too
(`record_cli`), so every role that opens case content has a row saying how it came.
Every page or API that grants roles goes through `assign` or `request`.
"""
import logging
from datetime import datetime

from sqlalchemy import select

from avvikelse.accounts.models import (
    CASE_CONTENT_ROLES,
    NATIONAL_ROLES,
    OVERSEERS,
    GrantSource,
    GrantState,
    Role,
    RoleGrant,
    User,
    UserRole,
    national_conflict,
)
from avvikelse.core.errors import DomainError, NotFound
from avvikelse.extensions import db

log = logging.getLogger("avvikelse.security")


class GrantRefused(DomainError):
    """This person may not decide this grant (e.g. their own request)."""

    status = 403


def needs_approval(role: Role) -> bool:
    return role in CASE_CONTENT_ROLES


def assign(user: User, roles: set[Role], requested_by: User, now: datetime,
           source: GrantSource = GrantSource.WEB) -> list[RoleGrant]:
    """Give `roles` to `user` as `requested_by` asked: at once, or pending approval for
    the roles that open case content. Returns the pending grants."""
    if set(roles) & set(NATIONAL_ROLES) and source is not GrantSource.CLI:
        raise GrantRefused("En nationell roll ges bara av driften på servern (flask users add).")
    conflict = national_conflict(user.roles, set(roles))
    if conflict:
        raise GrantRefused(conflict)
    pending = []
    for role in sorted(roles):
        if needs_approval(role):
            grant = request(user, role, requested_by, now, source)
            if grant is not None:
                pending.append(grant)
        elif role not in user.roles:
            user.role_rows.append(UserRole(role=role))
    return pending


def request(user: User, role: Role, requested_by: User, now: datetime,
            source: GrantSource = GrantSource.WEB) -> RoleGrant | None:
    """A pending grant of a case-content role (the one already pending, if any); None
    when the user already holds the role."""
    if not needs_approval(role):
        raise ValueError(f"{role} is given directly, not requested")
    if role in user.roles:
        return None
    existing = db.session.scalar(select(RoleGrant).where(
        RoleGrant.user_id == user.id, RoleGrant.role == role,
        RoleGrant.state == GrantState.PENDING))
    if existing is not None:
        return existing
    grant = RoleGrant(user=user, role=role, requested_by=requested_by, requested_at=now,
                      state=GrantState.PENDING, source=source)
    db.session.add(grant)
    db.session.flush()
    log.info("role grant %s requested: %s for user %s by user %s (%s)",
             grant.id, role, user.id, requested_by.id, source)
    return grant


def may_decide(approver: User, grant: RoleGrant) -> bool:
    """A MAS or chefsläkare of the grantee's organisation, not the requester, not the
    grantee, signed in as a person."""
    return (
        getattr(approver, "is_authenticated", False)
        and approver.active
        and not approver.is_integration
        and approver.has_role(*OVERSEERS)
        and approver.organisation_id == grant.user.organisation_id
        and approver.id not in (grant.requested_by_id, grant.user_id)
    )


def pending_for(approver: User) -> list[RoleGrant]:
    """What `approver` may decide, oldest first."""
    if not approver.has_role(*OVERSEERS) or approver.is_integration:
        return []
    rows = db.session.scalars(
        select(RoleGrant).join(User, RoleGrant.user_id == User.id)
        .where(RoleGrant.state == GrantState.PENDING,
               User.organisation_id == approver.organisation_id)
        .order_by(RoleGrant.requested_at, RoleGrant.id))
    return [g for g in rows if may_decide(approver, g)]


def decided_for(approver: User, limit: int = 20) -> list[RoleGrant]:
    """The organisation's latest decided grants (for the approvers' page)."""
    if not approver.has_role(*OVERSEERS) or approver.is_integration:
        return []
    return list(db.session.scalars(
        select(RoleGrant).join(User, RoleGrant.user_id == User.id)
        .where(RoleGrant.state != GrantState.PENDING,
               User.organisation_id == approver.organisation_id)
        .order_by(RoleGrant.decided_at.desc(), RoleGrant.id.desc()).limit(limit)))


def pending_of(users: list[User]) -> dict[int, list[RoleGrant]]:
    """The pending grants of these users, by user id (for the pages that requested them)."""
    found: dict[int, list[RoleGrant]] = {}
    if users:
        for grant in db.session.scalars(select(RoleGrant).where(
                RoleGrant.user_id.in_([u.id for u in users]),
                RoleGrant.state == GrantState.PENDING).order_by(RoleGrant.id)):
            found.setdefault(grant.user_id, []).append(grant)
    return found


def get_for(approver: User, grant_id: int) -> RoleGrant:
    """A grant of the approver's organisation, or NotFound (another organisation's grants
    are not told apart from missing ones)."""
    grant = db.session.get(RoleGrant, grant_id)
    if grant is None or grant.user.organisation_id != approver.organisation_id \
            or not approver.has_role(*OVERSEERS) or approver.is_integration:
        raise NotFound("Begäran finns inte.")
    return grant


def approve(grant: RoleGrant, approver: User, now: datetime) -> None:
    """The role takes effect now: its UserRole row is made."""
    conflict = national_conflict(grant.user.roles, {grant.role})
    if conflict:
        raise GrantRefused(conflict)
    _decide(grant, approver, now, GrantState.APPROVED)
    if grant.role not in grant.user.roles:
        grant.user.role_rows.append(UserRole(role=grant.role))


def reject(grant: RoleGrant, approver: User, now: datetime) -> None:
    _decide(grant, approver, now, GrantState.REJECTED)


def _decide(grant: RoleGrant, approver: User, now: datetime, state: GrantState) -> None:
    if grant.state != GrantState.PENDING:
        raise GrantRefused("Begäran är redan avgjord.")
    if approver.id == grant.requested_by_id:
        raise GrantRefused("Den som har begärt behörigheten kan inte själv godkänna den.")
    if approver.id == grant.user_id:
        raise GrantRefused("Ingen kan godkänna en behörighet åt sig själv.")
    if not may_decide(approver, grant):
        raise GrantRefused("Bara MAS eller chefsläkare i kontots organisation kan avgöra begäran.")
    grant.state, grant.decided_by, grant.decided_at = state, approver, now
    log.info("role grant %s %s: %s for user %s by user %s",
             grant.id, state, grant.role, grant.user_id, approver.id)


def record_cli(user: User, roles: set[Role], now: datetime) -> list[RoleGrant]:
    """Roles an operator gave on the server: already in effect, recorded as granted via
    the CLI (no requester, no approver)."""
    rows = [RoleGrant(user=user, role=role, requested_at=now, decided_at=now,
                      state=GrantState.APPROVED, source=GrantSource.CLI)
            for role in sorted(roles)]
    db.session.add_all(rows)
    for role in sorted(roles):
        log.info("role %s granted via CLI to user %s", role, user.username)
    return rows


def approver_of(user: User) -> int | None:
    """Who approved the case-content role `user` holds (the latest approval), if anyone:
    for the access log's rows of an integration's reads."""
    held = [r for r in CASE_CONTENT_ROLES if r in user.roles]
    if not held:
        return None
    return db.session.scalar(
        select(RoleGrant.decided_by_id).where(
            RoleGrant.user_id == user.id, RoleGrant.role.in_(held),
            RoleGrant.state == GrantState.APPROVED, RoleGrant.decided_by_id.is_not(None))
        .order_by(RoleGrant.decided_at.desc(), RoleGrant.id.desc()).limit(1))
