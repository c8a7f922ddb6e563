"""Look-ups in the directory."""
from sqlalchemy import select

from avvikelse.directory.models import Organisation, OrgKind, Unit
from avvikelse.extensions import db


def organisations() -> list[Organisation]:
    """Active organisations, the region first, then kommuner by name."""
    stmt = select(Organisation).where(Organisation.active).order_by(Organisation.kind.desc(), Organisation.name)
    return list(db.session.scalars(stmt))


def _lookup_safe(code) -> bool:
    # A code straight from a form or JSON: PostgreSQL raises on NUL in a comparison
    # (a 500), so a code that cannot exist is answered "not found" without asking.
    return isinstance(code, str) and "\x00" not in code and len(code) <= 64


def organisation_by_code(code: str) -> Organisation | None:
    if not _lookup_safe(code):
        return None
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def unit_by_code(code: str) -> Unit | None:
    if not _lookup_safe(code):
        return None
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
