"""The national table's counts: the one function the national summary reads them through
(`national_counts`), from the rollups (avvikelse/rollups), never the cases.

A case counts in its sender's county. Its direction is its organisations' acting duties
(Region Gotland, with both, is the kommun toward a region and the region toward a
kommun); its category type is the national type its category maps onto in the agreement
version it was filed under (a case under no version: the fixed list's).
"""
from sqlalchemy import select

from avvikelse.agreements import jamtland
from avvikelse.agreements.models import AgreementCategory
from avvikelse.agreements.types import CategoryType
from avvikelse.directory.models import Organisation, OrgKind, Samverkan
from avvikelse.extensions import db
from avvikelse.forum.periods import Period
from avvikelse.rollups.models import NATIONAL

DIRECTIONS = ("kommun_to_region", "region_to_kommun", "kommun_to_kommun")
#: a case filed under no agreement version: its code's type in the fixed list
FIXED_TYPES = {c.code: c.type for c in jamtland.CATEGORIES}


def acting(kind: OrgKind, other: OrgKind) -> str:
    if kind is OrgKind.BOTH:
        return "kommun" if other is OrgKind.REGION else "region"
    return kind.value


def direction(sender: OrgKind, receiver: OrgKind) -> str:
    return f"{acting(sender, receiver)}_to_{acting(receiver, sender)}"


def counties() -> list[tuple[str, str]]:
    """Every county in the directory, by code: the national table's rows."""
    return [(code, name) for code, name in db.session.execute(
        select(Samverkan.code, Samverkan.name).order_by(Samverkan.code))]


def national_counts(quarters: list[Period]) -> dict[str, dict[tuple, int]]:
    """{quarter label: {(county, direction, category type, event type, consequence): n}}
    for consecutive quarters, from the rollups (never the cases): one grouped read of
    their counters, and small reads of the organisations and the categories' types."""
    from avvikelse.rollups import services as rollups

    rows = rollups.counts(quarters, *NATIONAL[1:])
    ids = {r[1] for r in rows} | {r[2] for r in rows}
    orgs = {i: (county, kind) for i, county, kind in db.session.execute(
        select(Organisation.id, Organisation.county_code, Organisation.kind).where(Organisation.id.in_(ids)))}
    types = {(v, c): t for v, c, t in db.session.execute(
        select(AgreementCategory.version_id, AgreementCategory.code, AgreementCategory.type))}
    found: dict[str, dict[tuple, int]] = {q.label: {} for q in quarters}
    for label, sender_id, receiver_id, version_id, category, event_type, consequence, n in rows:
        (county, s_kind), (_, r_kind) = orgs[sender_id], orgs[receiver_id]
        kind = types.get((version_id, category)) if version_id else FIXED_TYPES.get(category)
        key = (county or "", direction(s_kind, r_kind), (kind or CategoryType.OTHER).value,
               event_type, int(consequence))
        found[label][key] = found[label].get(key, 0) + int(n)
    return found
