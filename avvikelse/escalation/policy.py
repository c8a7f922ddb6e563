"""Who sees and acts on an escalation. Builds on the case policy, never around it.

Both sides of a case see its escalations and the decisions taken (seeing the case is
the rule). Acting on one is for the holders of its role in its organisation: every MAS
of that kommun, or every chefsläkare of that region, deputies included.
"""
from avvikelse.accounts.models import OVERSEERS, Role, User
from avvikelse.cases.policy import can_view
from avvikelse.escalation.models import Escalation


def can_view_escalation(user: User, esc: Escalation) -> bool:
    return can_view(user, esc.case) or can_act_on(user, esc)


def can_act_on(user: User, esc: Escalation) -> bool:
    try:
        return user.organisation_id == esc.organisation_id and user.has_role(esc.role)
    except Exception:  # a broken rule must never open anything
        return False


def inbox_roles(user: User) -> set[Role]:
    """The escalation roles a user holds: what their inbox shows."""
    return {r for r in OVERSEERS if user.has_role(r)}
