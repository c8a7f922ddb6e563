"""The one access policy: who may see and do what with which case.

Need-to-know: a user sees a case only when their organisation sends or
receives it *and* their role and units give them a reason. `sides()` is the rule; the
SQL in `box_clause()` mirrors it for lists, and tests hold the two against each other.
Any error inside the policy denies.

Standing in: while a MAS, SAS or chefsläkare is absent, the deputy they named (who must
hold a role that opens case content already) sees their organisation's cases as they
would, and every read or change of a case seen only that way is logged as done for them
(`acting_for`, access_log.deputy_for_id).

Beside the two sides, another domain may give a *read* of a case for a reason of its
own: a joint investigation's participants read the cases it covers, as their
organisation may, while it runs (avvikelse/learning/policy.py). Such a grant is
installed by the factory (`install_grants`), never acts (acting asks `sides`), and every
read through it is logged with what it came through.
"""
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, has_app_context
from sqlalchemy import and_, bindparam, false, or_, select

from avvikelse.accounts import absence
from avvikelse.accounts.models import CASE_CONTENT_ROLES, OVERSEERS, Role, User
from avvikelse.audit.services import disclosed_since, log_access
from avvikelse.cases import patient
from avvikelse.cases.models import Case
from avvikelse.cases.transitions import Side, Transition
from avvikelse.core.errors import NotFound
from avvikelse.extensions import db


def _handles(user: User, unit_id: int | None, overseer: bool = False) -> bool:
    """Overseers see all of their organisation's cases; a handler with no units is the
    organisation's intake and sees all; a unit handler sees the cases of their units."""
    if overseer or user.has_role(*OVERSEERS):
        return True
    if not user.has_role(Role.HANDLER):
        return False
    return not user.units or unit_id in user.unit_ids


def _sides(user: User, case: Case, overseer: bool = False) -> set[Side]:
    found = set()
    if case.reporter_id == user.id or (
        user.organisation_id == case.sender_organisation_id
        and _handles(user, case.sender_unit_id, overseer)
    ):
        found.add(Side.SENDER)
    if user.organisation_id == case.receiver_organisation_id and _handles(
        user, case.receiver_unit_id, overseer
    ):
        found.add(Side.RECEIVER)
    return found


def stands_in_for(user: User) -> list[User]:
    """The absent overseers of the user's organisation the user stands in for today; only
    someone who holds a role opening case content themselves ever stands in."""
    if user.has_role(*OVERSEERS) or not user.has_role(*CASE_CONTENT_ROLES):
        return []  # an overseer sees the organisation's cases already
    return absence.standing_in_for(user)


def own_sides(user: User, case: Case) -> set[Side]:
    """The sides the user's own roles and units give, standing in left out."""
    try:
        return _sides(user, case)
    except Exception:  # a broken rule must never open a case
        return set()


def sides(user: User, case: Case) -> set[Side]:
    try:
        found = _sides(user, case)
        if stands_in_for(user):  # an absent overseer's view, in the same organisation
            found |= _sides(user, case, overseer=True)
        return found
    except Exception:  # a broken rule must never open a case
        return set()


def acting_for(user: User | None, case: Case) -> User | None:
    """The absent overseer whose deputy the user is, when that alone lets the user see
    this case; None when the user's own roles do (or the user sees nothing)."""
    if user is None:
        return None
    try:
        if own_sides(user, case):
            return None
        absent = stands_in_for(user)
        return absent[0] if absent and _sides(user, case, overseer=True) else None
    except Exception:
        return None


def can_view(user: User, case: Case) -> bool:
    """One of the case's two sides: who may act on it, write on it and list it."""
    return bool(sides(user, case))


@dataclass(frozen=True)
class Grant:
    """A read of a case given by another domain's rule: the organisation position it reads
    from (the identity shows as it would to that side) and what it came through."""

    side: Side
    investigation_id: int


GRANTS_KEY = "avvikelse.case_grants"
GrantRule = Callable[[User, Case], "Grant | None"]


def install_grants(app, rules: list[GrantRule]) -> None:
    """The factory's step: the rules that may give a read beyond the two sides."""
    app.extensions[GRANTS_KEY] = tuple(rules)


def grant_for(user: User, case: Case) -> Grant | None:
    """A read another domain gives this user of this case, or None (an error denies)."""
    if not has_app_context():
        return None
    try:
        for rule in current_app.extensions.get(GRANTS_KEY, ()):
            found = rule(user, case)
            if found is not None:
                return found
    except Exception:  # a broken rule must never open a case
        return None
    return None


def can_read(user: User, case: Case) -> bool:
    """May see the case: one of its sides, or a read granted (a joint investigation)."""
    return bool(sides(user, case)) or grant_for(user, case) is not None


def can_act(user: User, case: Case, transition: Transition) -> bool:
    if Side.FORUM in transition.by:  # the forum settles what the sides could not
        return user.has_role(Role.FORUM)
    return bool(transition.by & sides(user, case))


def can_see_patient(user: User, case: Case) -> bool:
    """De-identified across the boundary unless the sender shares it, on a legal basis,
    with this receiving organisation (cases/patient.py). A granted read sees it as its
    organisation's side would."""
    found = sides(user, case)
    if not found:
        grant = grant_for(user, case)
        found = {grant.side} if grant is not None else set()
    return Side.SENDER in found or (Side.RECEIVER in found and patient.is_shared_with_receiver(case))


def _reach(user: User) -> bool | None:
    """How far a user's case content reaches in their organisation: True all of it, None
    their units only, False none (a reporter: their own reports only)."""
    if user.has_role(*OVERSEERS) or (user.has_role(Role.HANDLER) and not user.units) \
            or stands_in_for(user):
        return True
    if user.has_role(Role.HANDLER):
        return None
    return False


def box_form(user: User, box: str) -> tuple[str, ...]:
    """The shape of a user's box (box_branches), values left out: one name per branch.
    Users with the same form see their boxes through the same SQL, with their own values
    (box_values), so a list page can build its statement once per form."""
    if box == "all":
        return box_form(user, "incoming") + box_form(user, "outgoing")
    reach = _reach(user)
    if box == "incoming":
        return () if reach is False else ("receiver" if reach else "receiver_units",)
    return ("reporter",) if reach is False else ("reporter", "sender" if reach else "sender_units")


def box_values(user: User) -> dict:
    """The values that fill a box's form (form_branches) for this user."""
    return {"box_org": user.organisation_id, "box_units": sorted(user.unit_ids), "box_me": user.id}


def form_branch(name: str, org, units, me, *, spread: bool = False):
    """One branch of a box's form: values, or bind parameters to fill per statement. With
    `spread` the organisation is compared as an expression (`+ 0`) so that no index on it
    is chosen: a narrower condition beside it (an owner) has an index of its own."""
    if name == "reporter":
        return Case.reporter_id == me
    if name.startswith("receiver"):
        org_column, unit_column = Case.receiver_organisation_id, Case.receiver_unit_id
    else:
        org_column, unit_column = Case.sender_organisation_id, Case.sender_unit_id
    own = (org_column + 0 if spread else org_column) == org
    return and_(own, unit_column.in_(units)) if name.endswith("_units") else own


def form_branches(form: tuple[str, ...], *, spread: bool = False) -> list:
    """A form's branches with bind parameters (box_org, box_units, box_me) for box_values."""
    org, units, me = bindparam("box_org"), bindparam("box_units", expanding=True), bindparam("box_me")
    return [form_branch(name, org, units, me, spread=spread) for name in form]


def box_branches(user: User, box: str) -> list:
    """The cases a user sees in a box, as conditions whose union is the box: `incoming`,
    `outgoing`, or `all` (what a search looks through). Each is one organisation's side,
    or the user's own reports, so each can be read in date order from one index
    (a search reads them apart and merges them: search/queries.py)."""
    return [form_branch(name, user.organisation_id, user.unit_ids, user.id) for name in box_form(user, box)]


def box_clause(user: User, box: str):
    """SQL for the cases a user sees in a box (box_branches): `incoming`, `outgoing` or
    `all`."""
    branches = box_branches(user, box)
    return or_(*branches) if branches else false()


def get_case_for(user: User, reference: str) -> Case:
    """The case if the user may see it, logged as read; else NotFound, logged as denied.

    A case that exists and one that does not are answered alike, so references cannot
    be probed, and so are their log rows: a denial keeps who, when and the reference as
    typed, never the case or its patient. The denied row is committed at once: it must
    survive the 404.
    """
    case = db.session.scalar(select(Case).where(Case.reference == reference))
    if case is None or not can_read(user, case):
        log_access(user, "denied", target=reference)
        db.session.commit()
        raise NotFound("Ärendet finns inte eller så saknar du behörighet att se det.")
    log_reads(user, [case])
    return case


def log_reads(user: User, cases, action: str = "read") -> None:
    """A read, print or export of cases the user may see: one access-log row per case,
    carrying the patient's blind index only where the reader may identify the patient
    (so a search of the log by patient cannot link a de-identified case to a person).
    The receiving side's first sight of a shared identity is a disclosure row too. A read
    through a grant (not one of the sides) names what it came through."""
    for case in cases:
        mine = sides(user, case)
        grant = None if mine else grant_for(user, case)
        via = grant.investigation_id if grant is not None else None
        identified = can_see_patient(user, case) and case.patient_id_encrypted is not None
        deputy_for = acting_for(user, case)
        log_access(user, action, case=case, identified=identified, deputy_for=deputy_for,
                   via_investigation_id=via)
        if identified and Side.SENDER not in (mine or {grant.side if grant else None}) \
                and not disclosed_since(case, user.organisation_id, case.patient_shared_at):
            log_access(user, "disclose", case=case, identified=True, deputy_for=deputy_for,
                       via_investigation_id=via)
