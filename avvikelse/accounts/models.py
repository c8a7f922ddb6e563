"""People and their rights: one organisation, some units, some roles."""
import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Column, Enum, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvikelse.core.clock import now_utc
from avvikelse.core.models import UTCDateTime
from avvikelse.directory.models import Organisation, Unit
from avvikelse.extensions import db


class Role(enum.StrEnum):
    REPORTER = "reporter"
    HANDLER = "handler"
    MAS = "mas"
    CHEFSLAKARE = "chefslakare"
    #: socialt ansvarig samordnare: the kommun's social services (SoL/LSS), Lex Sarah
    SAS = "sas"
    #: verksamhetschef or enhetschef: their units' figures (or, with no units, their
    #: organisation's); reads no case content unless also a handler
    MANAGER = "manager"
    FORUM = "forum"
    ADMIN = "admin"
    #: a national follow-up (SKR, Socialstyrelsen): the national figures, nothing else
    NATIONAL = "national"
    #: manages the directory of every county (counties, organisations, units), nothing else
    NATIONAL_ADMIN = "national_admin"


# The role groups the rules speak of, defined once.
#: MAS and SAS (kommun), chefsläkare (region): all of their organisation's cases, its
#: escalations, the decisions on them
OVERSEERS = (Role.MAS, Role.CHEFSLAKARE, Role.SAS)
#: who works on cases beyond their own reports: handlers and overseers
CASE_WORKERS = (Role.HANDLER, *OVERSEERS)
#: who reviews the access log: an admin everything, an overseer their organisation's staff
LOG_REVIEWERS = (Role.ADMIN, *OVERSEERS)
#: who reads the forum's figures
FORUM_READERS = (Role.FORUM, *OVERSEERS, Role.ADMIN)
#: who reads their own organisation's figures per unit (figures/): managers for their units
#: (or organisation), overseers for the organisation; nothing suppressed, nothing about
#: the other organisation beyond the forum's figures
FIGURE_READERS = (Role.MANAGER, *OVERSEERS)
#: what a system's own account may hold: file and handle, never oversee or administer
INTEGRATION_ROLES = (Role.REPORTER, Role.HANDLER)
#: roles that open case content (the patient's identity among it): granted on pages or
#: through the API only when the organisation's MAS or chefsläkare approves
#: (accounts/grants.py), and signed in to with strong authentication when required
CASE_CONTENT_ROLES = (Role.HANDLER, *OVERSEERS)
#: roles that see no organisation's work at all: held alone, they open only their own
#: pages (accounts.guard); never together with another role
NATIONAL_ROLES = (Role.NATIONAL, Role.NATIONAL_ADMIN)


def national_conflict(held: set[Role], adding: set[Role]) -> str | None:
    """Why these roles cannot be held together, in Swedish; None when they can. A
    national role is held alone (not even with reporter)."""
    together = set(held) | set(adding)
    if together & set(NATIONAL_ROLES) and len(together) > 1:
        return "En nationell roll hålls ensam: den kan inte kombineras med någon annan roll."
    return None


#: how a role is named in running text ("eskalerat till MAS i Krokom")
ROLE_NAMES = {Role.MAS: "MAS", Role.CHEFSLAKARE: "chefsläkare", Role.SAS: "SAS"}


user_units = Table(
    "user_units",
    db.metadata,
    Column("user_id", ForeignKey("users.id"), primary_key=True),
    Column("unit_id", ForeignKey("units.id"), primary_key=True, index=True),
)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: who stands in whenever this person is absent and the absence names nobody else; an
    #: overseer's is also told when an escalation is not acknowledged in time
    #: (accounts/absence.py)
    standing_deputy_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    active: Mapped[bool] = mapped_column(default=True)
    #: made at a first single sign-on by an unknown HSA-id: not active until an
    #: administrator gives the account a unit and a role (admin/)
    awaiting_setup: Mapped[bool] = mapped_column(default=False)
    #: a temporary password an administrator set: changed at the next sign-in
    password_must_change: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: HSA-id (e.g. SE2321000065-1234), how single sign-on recognises the person
    hsa_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: sessions begun before this moment are no longer valid (deactivation, "log out all")
    sessions_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: a system, not a person: no password, acts only through API tokens that its
    #: organisation's administrators issue (avvikelse/integrations)
    is_integration: Mapped[bool] = mapped_column(default=False)

    # Joined: every signed-in page names the user's organisation.
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    standing_deputy: Mapped["User | None"] = relationship(remote_side=[id])
    units: Mapped[list[Unit]] = relationship(secondary=user_units, order_by=Unit.name)
    role_rows: Mapped[list["UserRole"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> set[Role]:
        return {r.role for r in self.role_rows}

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def unit_ids(self) -> set[int]:
        return {u.id for u in self.units}

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16), primary_key=True, index=True
    )


class ApiToken(db.Model):
    """A bearer token. Only a SHA-256 of the secret is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class GrantState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class GrantSource(enum.StrEnum):
    WEB = "web"
    API = "api"
    #: an operator on the server (`flask users add --role`): direct, recorded
    CLI = "cli"


class RoleGrant(db.Model):
    """A role asked for and how it was decided: the two-person rule's record
    (accounts/grants.py). Only an approved grant becomes a UserRole row."""

    __tablename__ = "role_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16))
    #: null when an operator granted it on the server (source cli)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[GrantState] = mapped_column(
        Enum(GrantState, native_enum=False, length=16), default=GrantState.PENDING, index=True)
    source: Mapped[GrantSource] = mapped_column(
        Enum(GrantSource, native_enum=False, length=8), default=GrantSource.WEB)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class Absence(db.Model):
    """A person away from one day to another (both included), and who stands in: the
    named deputy, or the person's standing deputy when none is named. While it lasts,
    the person's notices and reminders go to the deputy, and an overseer's deputy acts
    on the overseer's escalations (accounts/absence.py)."""

    __tablename__ = "absences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    deputy: Mapped[User | None] = relationship(foreign_keys=[deputy_id])


class AdminEvent(db.Model):
    """What administrators changed in accounts, units and mailboxes, and what single
    sign-on created: the history the admin pages show. Never updated."""

    __tablename__ = "admin_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: None: the system (a first single sign-on) or an operator on the server
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: the account concerned, if any
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: the unit concerned, if any
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    #: created, roles, units, deactivated, … (admin/history labels them)
    action: Mapped[str] = mapped_column(String(32))
    #: Swedish, written by the system from directory data and the administrator's choices
    note: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    unit: Mapped[Unit | None] = relationship()
