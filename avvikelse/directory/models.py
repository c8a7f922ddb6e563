"""The directory: counties (each county's samverkan), organisations (regions, kommuner)
and their units. Data, not code."""
import enum

from sqlalchemy import Enum, ForeignKey, String, event, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvikelse.extensions import db


class OrgKind(enum.StrEnum):
    REGION = "region"
    KOMMUN = "kommun"
    #: one legal entity with both a region's and a kommun's duties (Region Gotland)
    BOTH = "both"

    @property
    def duties(self) -> frozenset["OrgKind"]:
        """The duties an organisation of this kind carries: region, kommun, or both."""
        if self is OrgKind.BOTH:
            return frozenset({OrgKind.REGION, OrgKind.KOMMUN})
        return frozenset({self})


class Samverkan(db.Model):
    """A county's collaboration: its region and kommuner (organisations whose
    `county_code` is its code), its agreement (agreements, by the same code), its forum.
    Every county of the country is a row (`flask directory sweden`); `active` ones run
    in this installation: their organisations receive cases and their forum meets."""

    __tablename__ = "samverkan"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: länskod ("23")
    code: Mapped[str] = mapped_column(String(8), unique=True)
    #: "Jämtlands län"
    name: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<Samverkan {self.code}>"


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: länskod for a region ("23"), kommunkod for a kommun ("2380"); Region Gotland,
    #: both, has its kommunkod ("0980")
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrgKind] = mapped_column(Enum(OrgKind, native_enum=False, length=16))
    active: Mapped[bool] = mapped_column(default=True)
    #: the intake's functional mailbox: gets the routing mail when no person does
    mailbox: Mapped[str | None] = mapped_column(String(254))
    #: the county (samverkan.code) it belongs to; a plain column, kept right by the
    #: directory's code (SQLite can add no foreign key to a table in place)
    county_code: Mapped[str | None] = mapped_column(String(8), index=True)

    units: Mapped[list["Unit"]] = relationship(
        back_populates="organisation", order_by="Unit.name"
    )

    @property
    def duties(self) -> frozenset[OrgKind]:
        return self.kind.duties

    def has_duty(self, kind: OrgKind) -> bool:
        return kind in self.kind.duties

    @property
    def county(self) -> str:
        """The län code ("23"); an organisation not yet placed in a county goes by its
        code, whose first two digits are the county's."""
        return self.county_code or self.code[:2]

    def __repr__(self) -> str:
        return f"<Organisation {self.code}>"


class Unit(db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: stable code used by the API and imports, unique in the installation: it begins
    #: with its organisation's code and a hyphen ("2309-HSJV"), checked on creation
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: HSA-id when the unit is in the national catalogue
    hsa_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    #: the unit above it in the HSA tree (set by directory import), if known
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    #: the unit's functional mailbox: gets the routing mail when none of its people has
    #: an address
    mailbox: Mapped[str | None] = mapped_column(String(254))
    #: a closed unit's successor: its people and open cases went there
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    organisation: Mapped[Organisation] = relationship(back_populates="units")
    parent: Mapped["Unit | None"] = relationship(remote_side=[id], foreign_keys=[parent_id])
    successor: Mapped["Unit | None"] = relationship(remote_side=[id], foreign_keys=[successor_id])

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


def acting_kind(org: Organisation, other: Organisation | None) -> OrgKind:
    """The duty an organisation acts in toward another: its own kind, or, for one with
    both duties, the one the other lacks: Region Gotland is the kommun toward a region
    and the region toward a kommun."""
    if org.kind is not OrgKind.BOTH:
        return org.kind
    if other is None or other.kind is OrgKind.BOTH:
        return OrgKind.REGION
    return OrgKind.KOMMUN if other.kind is OrgKind.REGION else OrgKind.REGION


def unit_code_problem(org_code: str, unit_code: str) -> str | None:
    """Why a unit code cannot belong to the organisation, in Swedish; None when it can.
    The prefix keeps unit codes unique across every county of an installation."""
    if not isinstance(unit_code, str) or not unit_code.startswith(f"{org_code}-") \
            or len(unit_code) <= len(org_code) + 1:
        return f"Enhetens kod ska börja med organisationens kod och ett bindestreck: {org_code}-…"
    return None


class UnitCodeError(ValueError):
    pass


@event.listens_for(Unit, "before_insert")
def _unit_code_prefixed(_mapper, connection, unit: Unit) -> None:
    """The rule, enforced whatever path creates a unit (seed, import, admin pages)."""
    org = unit.organisation
    code = org.code if org is not None else connection.scalar(
        select(Organisation.code).where(Organisation.id == unit.organisation_id))
    problem = unit_code_problem(code, unit.code)
    if problem:
        raise UnitCodeError(problem)


class OnDutyContact(db.Model):
    """Whom to call now (§8.1: in a serious case, direct contact with chefsläkare/MAS): an
    organisation's on-duty numbers, by role, shown to the filer of a serious case."""

    __tablename__ = "on_duty_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: mas, chefslakare or sas (the roles' codes; directory knows no roles)
    role: Mapped[str] = mapped_column(String(16))
    #: "Tjänstgörande chefsläkare", "MAS, dagtid"
    label: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40))
    #: when the number answers ("dygnet runt", "vardagar 8–17")
    hours: Mapped[str] = mapped_column(String(100), default="")

    organisation: Mapped[Organisation] = relationship()
