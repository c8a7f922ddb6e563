"""Look-ups in the directory."""
from sqlalchemy import select

from avvikelse.directory.models import Organisation, OrgKind, Samverkan, Unit
from avvikelse.extensions import db


def organisations() -> list[Organisation]:
    """Active organisations, the region first, then kommuner by name."""
    stmt = select(Organisation).where(Organisation.active).order_by(Organisation.kind.desc(), Organisation.name)
    return list(db.session.scalars(stmt))


def units_by_organisation() -> list[tuple[str, list[tuple[str, str]]]]:
    """Every active organisation, in the order of `organisations()`, with its units by
    name as (code, name), for a select: one statement however big the directory (reading
    each organisation's `units` was one more per organisation, 300 for Sweden)."""
    stmt = (select(Organisation.id, Organisation.name, Unit.code, Unit.name)
            .outerjoin(Unit, Unit.organisation_id == Organisation.id)
            .where(Organisation.active)
            .order_by(Organisation.kind.desc(), Organisation.name, Organisation.id, Unit.name))
    groups: dict[int, tuple[str, list[tuple[str, str]]]] = {}
    for org_id, org_name, code, name in db.session.execute(stmt):
        units = groups.setdefault(org_id, (org_name, []))[1]
        if code is not None:  # an organisation without units is still listed, empty
            units.append((code, name))
    return list(groups.values())


def receivers() -> list[Organisation]:
    """The organisations a case may go to: active ones of the counties that run in this
    installation (an organisation not yet placed in a county counts as running), ordered
    by county, then regions before kommuner, then name. One statement."""
    return [org for org, _county in receivers_by_county()]


def receivers_by_county() -> list[tuple[Organisation, str | None]]:
    """`receivers()`, each with its county's name, from the same one statement."""
    stmt = (select(Organisation, Samverkan.name)
            .outerjoin(Samverkan, Samverkan.code == Organisation.county_code)
            .where(Organisation.active, Samverkan.active.is_(True) | Organisation.county_code.is_(None))
            .order_by(Organisation.county_code, Organisation.kind.desc(), Organisation.name))
    return [(org, name) for org, name in db.session.execute(stmt)]


def organisation_ids_in(counties):
    """The ids of the organisations placed in these counties, as a subquery."""
    return select(Organisation.id).where(Organisation.county_code.in_(counties))


def samverkan_by_code(code) -> Samverkan | None:
    if not code_safe(code):
        return None
    return db.session.scalar(select(Samverkan).where(Samverkan.code == code))


def counties() -> list[Samverkan]:
    return list(db.session.scalars(select(Samverkan).order_by(Samverkan.code)))


def active_units(org: Organisation) -> list[Unit]:
    """The organisation's active units by name: one statement, whatever the directory holds."""
    return list(db.session.scalars(
        select(Unit).where(Unit.organisation_id == org.id, Unit.active).order_by(Unit.name, Unit.code)))


def active_unit_choices(organisation_id: int) -> list[tuple[str, str]]:
    """(code, name) of the organisation's active units by name, for a select: columns
    only, as a region's hundreds of units are no reason to build as many objects."""
    return [tuple(row) for row in db.session.execute(
        select(Unit.code, Unit.name).where(Unit.organisation_id == organisation_id, Unit.active)
        .order_by(Unit.name, Unit.code))]


def upsert_samverkan(code: str, name: str, active: bool | None = None) -> Samverkan:
    found = samverkan_by_code(code) or Samverkan(code=code, name=name, active=bool(active))
    found.name = name
    if active is not None:
        found.active = active
    db.session.add(found)
    db.session.flush()
    return found


def code_safe(code) -> bool:
    # A code straight from a form or JSON: PostgreSQL raises on NUL in a comparison
    # (a 500), so a code that cannot exist is answered "not found" without asking.
    return isinstance(code, str) and "\x00" not in code and len(code) <= 64


def organisation_by_code(code: str) -> Organisation | None:
    if not code_safe(code):
        return None
    return db.session.scalar(select(Organisation).where(Organisation.code == code))


def unit_by_code(code: str) -> Unit | None:
    if not code_safe(code):
        return None
    return db.session.scalar(select(Unit).where(Unit.code == code))


def upsert_organisation(code: str, name: str, kind: OrgKind, county_code: str | None = None) -> Organisation:
    org = organisation_by_code(code) or Organisation(code=code)
    org.name, org.kind = name, kind
    if county_code is not None:
        org.county_code = county_code
    db.session.add(org)
    db.session.flush()
    return org


def upsert_unit(org: Organisation, code: str, name: str) -> Unit:
    unit = unit_by_code(code) or Unit(code=code, organisation=org)
    unit.name, unit.organisation = name, org
    db.session.add(unit)
    db.session.flush()
    return unit


def runs_here(org: Organisation) -> bool:
    """Whether the organisation's county runs in this installation (one not placed in a
    county counts as running)."""
    if org.county_code is None:
        return True
    return bool(db.session.scalar(select(Samverkan.active).where(Samverkan.code == org.county_code)))
