"""Who oversees a case's activity in an organisation, and how to reach them now.

A region's health care: its chefsläkare. A kommun's health care: its MAS. A kommun's
social services (SoL/LSS): its SAS. §8.1 asks that in a serious case direct contact is
taken with them: the directory keeps each organisation's on-duty numbers.
"""
from sqlalchemy import select

from avvikelse.accounts.models import Role
from avvikelse.cases.enums import Activity
from avvikelse.cases.models import Case
from avvikelse.directory.models import OnDutyContact, Organisation, OrgKind
from avvikelse.extensions import db


def overseer_role(org: Organisation, activity: Activity = Activity.HEALTH_CARE) -> Role:
    if org.kind is not OrgKind.KOMMUN:
        return Role.CHEFSLAKARE
    return Role.SAS if activity == Activity.SOCIAL_CARE else Role.MAS


def whom_to_call(case: Case) -> list[tuple[Organisation, OnDutyContact]]:
    """The receiver's on-duty numbers for the case's activity first, then the sender's own."""
    found = []
    for org in (case.receiver_organisation, case.sender_organisation):
        role = overseer_role(org, case.activity)
        contacts = db.session.scalars(select(OnDutyContact).where(
            OnDutyContact.organisation_id == org.id, OnDutyContact.role == role.value)
            .order_by(OnDutyContact.id)).all()
        found += [(org, contact) for contact in contacts]
    return found
