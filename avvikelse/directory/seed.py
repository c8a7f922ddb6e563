"""The Jämtland directory: the region, the eight kommuner and a plausible set of units."""
from avvikelse.directory import jamtland
from avvikelse.directory.models import OrgKind
from avvikelse.directory.services import (
    organisation_by_code, upsert_organisation, upsert_samverkan, upsert_unit,
)


def seed_jamtland() -> int:
    """Idempotent: running it again updates names and adds what is missing. Jämtlands
    län is a samverkan that runs in the installation."""
    county = upsert_samverkan(jamtland.COUNTY_CODE, jamtland.COUNTY_NAME, active=True)
    code, name, kind = jamtland.REGION
    upsert_organisation(code, name, kind, county.code)
    for code, name in jamtland.KOMMUNER:
        upsert_organisation(code, name, OrgKind.KOMMUN, county.code)
    units = jamtland.all_units()
    for org_code, unit_code, unit_name in units:
        upsert_unit(organisation_by_code(org_code), unit_code, unit_name)
    return len(units)
