"""Who oversees a case's activity in an organisation, and how to reach them now.

A region's health care: its chefsläkare. A kommun's health care: its MAS. A kommun's
social services (SoL/LSS): its SAS. An organisation with both duties (Region Gotland)
acts as the kommun toward a region and as the region toward a kommun (`acting_kind`). §8.1 asks that in a serious case direct contact is
taken with them: the directory keeps each organisation's on-duty numbers.
"""
from sqlalchemy import select

from avvikelse.accounts.models import Role
from avvikelse.cases.enums import Activity
from avvikelse.cases.models import Case
from avvikelse.directory.models import OnDutyContact, Organisation, OrgKind, acting_kind
from avvikelse.extensions import db


def overseer_role(org: Organisation, activity: Activity = Activity.HEALTH_CARE,
                  other: Organisation | None = None) -> Role:
    """By the case's activity and the organisation's duties: social services are a
    kommun's (SAS); health care is the chefsläkare's where the organisation acts as the
    region toward `other` (the case's other party), else the MAS's."""
    if activity == Activity.SOCIAL_CARE and org.has_duty(OrgKind.KOMMUN):
        return Role.SAS
    return Role.CHEFSLAKARE if acting_kind(org, other) is OrgKind.REGION else Role.MAS


def other_party(case: Case, org: Organisation) -> Organisation:
    """The case's other organisation, seen from one of its two."""
    return case.receiver_organisation if org.id == case.sender_organisation_id else case.sender_organisation


def whom_to_call(case: Case) -> list[tuple[Organisation, OnDutyContact]]:
    """The receiver's on-duty numbers for the case's activity first, then the sender's own."""
    found = []
    for org in (case.receiver_organisation, case.sender_organisation):
        role = overseer_role(org, case.activity, other_party(case, org))
        contacts = db.session.scalars(select(OnDutyContact).where(
            OnDutyContact.organisation_id == org.id, OnDutyContact.role == role.value)
            .order_by(OnDutyContact.id)).all()
        found += [(org, contact) for contact in contacts]
    return found
