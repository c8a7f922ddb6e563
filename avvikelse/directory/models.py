"""The directory: organisations (region, kommuner) and their units. Data, not code."""
import enum

from sqlalchemy import Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvikelse.extensions import db


class OrgKind(enum.StrEnum):
    REGION = "region"
    KOMMUN = "kommun"


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: länskod for a region ("23"), kommunkod for a kommun ("2380")
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrgKind] = mapped_column(Enum(OrgKind, native_enum=False, length=16))
    active: Mapped[bool] = mapped_column(default=True)
    #: the intake's functional mailbox: gets the routing mail when no person does
    mailbox: Mapped[str | None] = mapped_column(String(254))

    units: Mapped[list["Unit"]] = relationship(
        back_populates="organisation", order_by="Unit.name"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.code}>"


class Unit(db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    #: stable code used by the API and imports, unique across the county
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
