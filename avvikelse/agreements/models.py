"""An agreement between a county's region and kommuner, in versions over time.

A version has a period (valid_from, and valid_to or open), may be extended by decisions
(each extension moves its end), has its clauses, and its categories of deviation, each
pointing to one or more clauses and mapped onto a national type. The settings an
agreement decides (answer days, thresholds, who may file to whom) are columns of the
version; a column left empty means the installation's setting (config.py) applies.
"""
from datetime import date, datetime

from sqlalchemy import Column, Enum, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from avvikelse.accounts.models import User
from avvikelse.agreements.types import CategoryType
from avvikelse.core.clock import now_utc
from avvikelse.core.models import UTCDateTime
from avvikelse.extensions import db


class Agreement(db.Model):
    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the county's län code ("23" for Jämtland): one agreement per county governs its
    #: deviations (until counties are data of their own)
    county_code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    #: what people call it ("Hemsjukvårdsavtalet")
    short_name: Mapped[str] = mapped_column(String(100))
    #: who signed it, in words
    parties: Mapped[str] = mapped_column(String(300))

    versions: Mapped[list["AgreementVersion"]] = relationship(
        back_populates="agreement", order_by="AgreementVersion.valid_from")

    def __repr__(self) -> str:
        return f"<Agreement {self.county_code}>"


class AgreementVersion(db.Model):
    """One text of the agreement, in force from `valid_from` until a newer version starts.
    Past its last end date with no newer version, it goes on applying (agreements.rules)."""

    __tablename__ = "agreement_versions"
    __table_args__ = (
        UniqueConstraint("agreement_id", "name", name="uq_agreement_versions_name"),
        # Also the look-up of the version in force: agreement, then start day descending.
        UniqueConstraint("agreement_id", "valid_from", name="uq_agreement_versions_valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"))
    #: short, shown beside every category ("2020")
    name: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    valid_from: Mapped[date]
    #: the end the version itself gives; None when open-ended. Extensions move it.
    valid_to: Mapped[date | None]

    # The agreement's settings; None: the installation's (config.py, same name in capitals).
    answer_due_days: Mapped[int | None] = mapped_column(Integer)
    reminder_days_before: Mapped[int | None] = mapped_column(Integer)
    overdue_escalation_days: Mapped[int | None] = mapped_column(Integer)
    serious_consequence_min: Mapped[int | None] = mapped_column(Integer)
    serious_risk_min: Mapped[int | None] = mapped_column(Integer)
    kommun_to_kommun_allowed: Mapped[bool | None]

    agreement: Mapped[Agreement] = relationship(back_populates="versions")
    extensions: Mapped[list["AgreementExtension"]] = relationship(
        back_populates="version", order_by="AgreementExtension.new_end")
    clauses: Mapped[list["AgreementClause"]] = relationship(
        back_populates="version", order_by="AgreementClause.position")
    categories: Mapped[list["AgreementCategory"]] = relationship(
        back_populates="version", order_by="AgreementCategory.position")

    @property
    def ends_on(self) -> date | None:
        """The last day of its period after every extension; None when open-ended."""
        if self.valid_to is None:
            return None
        return max([self.valid_to, *(e.new_end for e in self.extensions)])

    def __repr__(self) -> str:
        return f"<AgreementVersion {self.name}>"


class AgreementExtension(db.Model):
    """A decision (or the agreement's own clause) that moved a version's end."""

    __tablename__ = "agreement_extensions"
    __table_args__ = (UniqueConstraint("version_id", "new_end", name="uq_agreement_extensions_new_end"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_versions.id"))
    new_end: Mapped[date]
    #: None when the day of the decision is not known
    decided_on: Mapped[date | None]
    #: the decision's reference (diarienummer, paragraph), or the clause that extends it
    reference: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=now_utc)
    #: None for the seeded history
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    version: Mapped[AgreementVersion] = relationship(back_populates="extensions")
    created_by: Mapped[User | None] = relationship()


class AgreementClause(db.Model):
    __tablename__ = "agreement_clauses"
    __table_args__ = (UniqueConstraint("version_id", "code", name="uq_agreement_clauses_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_versions.id"))
    #: "§6.1", "bilaga 10", or a document the agreement refers to ("LUS")
    code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)

    version: Mapped[AgreementVersion] = relationship(back_populates="clauses")


category_clauses = Table(
    "agreement_category_clauses",
    db.metadata,
    Column("category_id", ForeignKey("agreement_categories.id"), primary_key=True),
    Column("clause_id", ForeignKey("agreement_clauses.id"), primary_key=True),
)


class AgreementCategory(db.Model):
    """A category a case is filed under: its code is what cases store, and is kept from
    version to version when the meaning stays, so figures run on across versions."""

    __tablename__ = "agreement_categories"
    __table_args__ = (UniqueConstraint("version_id", "code", name="uq_agreement_categories_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_versions.id"))
    code: Mapped[str] = mapped_column(String(32))
    #: Swedish, as the agreement's parties word it
    label: Mapped[str] = mapped_column(String(200))
    type: Mapped[CategoryType] = mapped_column(
        Enum(CategoryType, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e]))
    position: Mapped[int] = mapped_column(default=0)

    version: Mapped[AgreementVersion] = relationship(back_populates="categories")
    clauses: Mapped[list[AgreementClause]] = relationship(
        secondary=category_clauses, order_by=AgreementClause.position)


class SettingChange(db.Model):
    """One changed setting of a version: who, when, from what, to what, and why. Never
    updated. A value of None is "the installation's setting"."""

    __tablename__ = "agreement_setting_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("agreement_versions.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    old_value: Mapped[str | None] = mapped_column(String(20))
    new_value: Mapped[str | None] = mapped_column(String(20))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)

    version: Mapped[AgreementVersion] = relationship()
    changed_by: Mapped[User] = relationship()
