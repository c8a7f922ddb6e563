"""Who sees and acts on an escalation. Builds on the case policy, never around it.

Both sides of a case see its escalations and the decisions taken (seeing the case is
the rule). Acting on one is for the holders of its role in its organisation: every MAS
of that kommun, or every chefsläkare of that region; and, while one of them is absent,
the deputy they named (accounts/absence.py), whose acts are logged as done for them.
"""
from avvikelse.accounts import absence
from avvikelse.accounts.models import CASE_CONTENT_ROLES, OVERSEERS, Role, User
from avvikelse.cases.policy import can_view
from avvikelse.escalation.models import Escalation


def can_view_escalation(user: User, esc: Escalation) -> bool:
    return can_view(user, esc.case) or can_act_on(user, esc)


def _absent_holders(user: User, role: Role) -> list[User]:
    """The absent holders of `role` in the user's organisation the user stands in for."""
    if user.is_integration or not user.has_role(*CASE_CONTENT_ROLES):
        return []
    return absence.standing_in_for(user, roles=(role,))


def can_act_on(user: User, esc: Escalation) -> bool:
    try:
        if user.organisation_id != esc.organisation_id:
            return False
        return user.has_role(esc.role) or bool(_absent_holders(user, esc.role))
    except Exception:  # a broken rule must never open anything
        return False


def acting_for(user: User, esc: Escalation) -> User | None:
    """The absent holder the user acts for on this escalation; None when the user holds
    its role themselves."""
    if user.has_role(esc.role) or user.organisation_id != esc.organisation_id:
        return None
    absent = _absent_holders(user, esc.role)
    return absent[0] if absent else None


def inbox_roles(user: User) -> set[Role]:
    """The escalation roles a user holds, or holds today for an absent overseer as their
    deputy: what their inbox shows."""
    own = {r for r in OVERSEERS if user.has_role(r)}
    if user.is_integration or not user.has_role(*CASE_CONTENT_ROLES):
        return own
    for person in absence.standing_in_for(user):
        own |= {r for r in OVERSEERS if person.has_role(r)}
    return own
