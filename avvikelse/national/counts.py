"""The national table's counts: the one function the national summary reads them through
(`national_counts`), so a precomputed store (rollups) can take its place.

A case counts in its sender's county. Its direction is its organisations' acting duties
(Region Gotland, with both, is the kommun toward a region and the region toward a
kommun); its category type is the national type its category maps onto in the agreement
version it was filed under (a case under no version: the fixed list's).
"""
from sqlalchemy import case as when
from sqlalchemy import literal, select
from sqlalchemy.orm import aliased

from avvikelse.agreements import jamtland
from avvikelse.agreements.models import AgreementCategory
from avvikelse.agreements.types import CategoryType
from avvikelse.cases.models import Case
from avvikelse.directory.models import Organisation, OrgKind
from avvikelse.extensions import db
from avvikelse.forum.periods import Period

DIRECTIONS = ("kommun_to_region", "region_to_kommun", "kommun_to_kommun")
#: a case filed under no agreement version: its code's type in the fixed list
FIXED_TYPES = {c.code: c.type for c in jamtland.CATEGORIES}


def acting(kind: OrgKind, other: OrgKind) -> str:
    if kind is OrgKind.BOTH:
        return "kommun" if other is OrgKind.REGION else "region"
    return kind.value


def direction(sender: OrgKind, receiver: OrgKind) -> str:
    return f"{acting(sender, receiver)}_to_{acting(receiver, sender)}"


def _bucket(quarters: list[Period]):
    return when(*[(Case.reported_at < q.end, literal(q.label)) for q in quarters], else_=literal(None))


def national_counts(quarters: list[Period]) -> dict[str, dict[tuple, int]]:
    """{quarter label: {(county, direction, category type, event type, consequence): n}}
    for consecutive quarters: one grouped statement over their cases, and one small read
    of the categories' types."""
    sender, receiver = aliased(Organisation), aliased(Organisation)
    bucket = _bucket(quarters)
    columns = (bucket, sender.county_code, sender.kind, receiver.kind, Case.agreement_version_id,
               Case.category, Case.event_type, Case.consequence)
    stmt = (select(*columns, db.func.count())
            .select_from(Case)
            .join(sender, sender.id == Case.sender_organisation_id)
            .join(receiver, receiver.id == Case.receiver_organisation_id)
            .where(Case.reported_at >= quarters[0].start, Case.reported_at < quarters[-1].end)
            .group_by(*columns))
    types = {(v, c): t for v, c, t in db.session.execute(
        select(AgreementCategory.version_id, AgreementCategory.code, AgreementCategory.type))}
    found: dict[str, dict[tuple, int]] = {q.label: {} for q in quarters}
    for label, county, s_kind, r_kind, version_id, category, event_type, consequence, n in db.session.execute(stmt):
        kind = types.get((version_id, category)) if version_id is not None else FIXED_TYPES.get(category)
        key = (county or "", direction(s_kind, r_kind), (kind or CategoryType.OTHER).value,
               event_type.value, int(consequence))
        found[label][key] = found[label].get(key, 0) + n
    return found
