"""The directory: which organisation and unit codes a case may name.

`GET /directory`: the caller's samverkan (the organisations of its county) and the
organisations of other counties the caller's organisation has cases with; `?all=1` the
whole country. Each organisation with its `code`, `name`, `kind` ("region", "kommun", or
for an organisation with both duties, Region Gotland, the list ["region", "kommun"]), `lan`
(its county's code), `receives` (whether its county runs in this installation, so that
cases may be filed to it) and its active units. Three statements, whatever the size.
"""
from flask import g, request
from sqlalchemy import select, union
from sqlalchemy.orm import selectinload

from avvikelse.api.errors import fail
from avvikelse.cases.models import Case
from avvikelse.directory.models import Organisation, OrgKind, Samverkan
from avvikelse.extensions import db

ALL_VALUES = {"1": True, "true": True, "ja": True, "0": False, "false": False, "nej": False}


def kind_of(org: Organisation) -> str | list[str]:
    if org.kind is OrgKind.BOTH:
        return [OrgKind.REGION.value, OrgKind.KOMMUN.value]
    return org.kind.value


def _partners(org_id: int):
    """Organisations the caller's organisation has cases with, as a subquery of ids."""
    return union(select(Case.receiver_organisation_id).where(Case.sender_organisation_id == org_id),
                 select(Case.sender_organisation_id).where(Case.receiver_organisation_id == org_id))


def directory():
    raw = request.args.get("all")
    everything = False
    if raw is not None:
        if raw.strip().lower() not in ALL_VALUES:
            fail(400, "Parametern all tar 1 (hela landet) eller 0 (din samverkan och dem ni har ärenden med).")
        everything = ALL_VALUES[raw.strip().lower()]
    user = g.api_user
    stmt = (select(Organisation, Samverkan.active).outerjoin(Samverkan, Samverkan.code == Organisation.county_code)
            .where(Organisation.active).options(selectinload(Organisation.units)))
    if not everything:
        own = Organisation.county_code == user.organisation.county_code if user.organisation.county_code \
            else Organisation.id == user.organisation_id
        stmt = stmt.where(own | Organisation.id.in_(_partners(user.organisation_id)))
    # The caller's county first, its region(s) before its kommuner; then by county.
    rows = db.session.execute(stmt.order_by(Organisation.county_code, Organisation.kind.desc(),
                                            Organisation.name)).all()
    mine = user.organisation.county_code
    rows.sort(key=lambda row: row[0].county_code != mine)
    return {
        "organisations": [
            {
                "code": org.code,
                "name": org.name,
                "kind": kind_of(org),
                "lan": org.county,
                "receives": bool(running) or org.county_code is None,
                "units": [{"code": u.code, "name": u.name} for u in org.units if u.active],
            }
            for org, running in rows
        ]
    }
