"""Look-ups in the directory."""
from sqlalchemy import select

from avvikelse.directory.models import Organisation, OrgKind, Unit
from avvikelse.extensions import db


def organisations() -> list[Organisation]:
    """Active organisations, the region first, then kommuner by name."""
    stmt = select(Organisation).where(Organisation.active).order_by(Organisation.kind.desc(), Organisation.name)
    return list(db.session.scalars(stmt))


def organisation_by_code(code: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def unit_by_code(code: str) -> Unit | None:
    return db.session.scalar(select(Unit).where(Unit.code == code))


def upsert_organisation(code: str, name: str, kind: OrgKind) -> Organisation:
    org = organisation_by_code(code) or Organisation(code=code)
    org.name, org.kind = name, kind
    db.session.add(org)
    db.session.flush()
    return org


def upsert_unit(org: Organisation, code: str, name: str) -> Unit:
    unit = unit_by_code(code) or Unit(code=code, organisation=org)
    unit.name, unit.organisation = name, org
    db.session.add(unit)
    db.session.flush()
    return unit
