"""Absences and deputies: who stands in for whom, and when.

A person records an absence from one day to another (both included, Swedish days) and
names a deputy, or leaves it to their standing deputy. While it lasts:

- their notices and reminders go to the deputy at once (notifications/services.tell);
- when they hold MAS, SAS or chefsläkare, the deputy sees what they would see and acts
  on their escalations (cases/policy.py, escalation/policy.py), and every such read or
  act is logged as done for them (access_log.deputy_for_id).

A deputy is an active person of the same organisation, never oneself nor a system; the
deputy of someone whose role opens case content must hold such a role too, so an
absence never opens cases to anyone the two-person rule has not let in.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from flask import has_request_context, request
from sqlalchemy import and_, bindparam, delete, or_, select
from sqlalchemy.orm import aliased

from avvikelse.accounts import standing
from avvikelse.accounts.models import CASE_CONTENT_ROLES, OVERSEERS, Absence, User, UserRole
from avvikelse.accounts.services import user_by_username
from avvikelse.accounts.standing import today
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.extensions import db

#: the longest absence one records at a time
MAX_DAYS = 366
#: how far a chain of deputies (a deputy who is absent too) is followed
MAX_HOPS = 3

NO_SUCH_DEPUTY = "Välj en kollega i din egen organisation som ersättare."


# -- who stands in ------------------------------------------------------------------------

def current_absence(user: User, on: date | None = None) -> Absence | None:
    on = on or today()
    return db.session.scalar(
        select(Absence).where(Absence.user_id == user.id, Absence.starts_on <= on,
                              Absence.ends_on >= on)
        .order_by(Absence.starts_on.desc(), Absence.id.desc()).limit(1))


def deputy_of(user: User, on: date | None = None) -> User | None:
    """Who takes this person's notices today: the deputy of their absence (or their
    standing deputy when it names none), followed while that one is absent too; None
    when they are not absent or nobody is there to stand in. A deputy absent too, with
    nobody after them, still gets them: a notice must reach someone."""
    on = on or today()
    seen, person = {user.id}, user
    for _hop in range(MAX_HOPS):
        absence = current_absence(person, on)
        if absence is None:
            return None if person is user else person
        deputy = absence.deputy or person.standing_deputy
        if deputy is None or not deputy.active or deputy.id in seen:
            return None if person is user else person
        seen.add(deputy.id)
        person = deputy
    return person


#: built once: an alias's column collection costs more to build than the query takes
_ABSENT = aliased(User)


@cache
def _standing_in_statement():
    # Built once, with parameters: building it cost more than running it.
    absent = _ABSENT
    user_id = bindparam("user_id")
    return (
        select(absent).join(Absence, Absence.user_id == absent.id)
        .join(UserRole, UserRole.user_id == absent.id)
        .where(absent.active, absent.organisation_id == bindparam("organisation_id"),
               UserRole.role.in_(bindparam("roles", expanding=True)),
               Absence.starts_on <= bindparam("on"), Absence.ends_on >= bindparam("on"),
               or_(Absence.deputy_id == user_id,
                   and_(Absence.deputy_id.is_(None), absent.standing_deputy_id == user_id)))
        .order_by(absent.id))


def standing_in_for(user: User, roles=OVERSEERS, on: date | None = None) -> list[User]:
    """The absent people of `user`'s organisation holding one of `roles` for whom `user`
    stands in today (named on the absence, or the standing deputy of an absence naming
    nobody). Remembered for the rest of a request: the policy asks many times."""
    if user is None or not getattr(user, "is_authenticated", False) or user.is_integration:
        return []
    on = on or today()
    key = ("avvikelse.standing_in", user.id, on, tuple(sorted(roles)))
    if not has_request_context():
        cache = {}
    elif standing.named_by_nobody(user.id, on):
        return []
    else:
        cache = request.environ.setdefault("avvikelse.standing_in", {})
    if key not in cache:
        cache[key] = list(db.session.scalars(_standing_in_statement(), {
            "user_id": user.id, "organisation_id": user.organisation_id, "roles": list(key[3]),
            "on": on}).unique())
    return cache[key]


# -- recording ----------------------------------------------------------------------------

@dataclass
class AbsenceInput:
    starts_on: date | None
    ends_on: date | None
    #: a username; None: the standing deputy
    deputy: str | None = None


def check_deputy(user: User, username: str | None, field: str = "deputy") -> User | None:
    """The deputy a person may name, or ValidationFailed under `field`."""
    if not username:
        return None
    deputy = user_by_username(username)
    if deputy is None or deputy.organisation_id != user.organisation_id or not deputy.active \
            or deputy.is_integration or deputy.awaiting_setup:
        raise ValidationFailed({field: [NO_SUCH_DEPUTY]})
    if deputy.id == user.id:
        raise ValidationFailed({field: ["Du kan inte vara din egen ersättare."]})
    if user.has_role(*CASE_CONTENT_ROLES) and not deputy.has_role(*CASE_CONTENT_ROLES):
        raise ValidationFailed({field: [
            "Din ersättare måste själv vara handläggare, MAS, SAS eller chefsläkare: annars "
            "skulle frånvaron öppna ärenden för någon som inte har fått den behörigheten."]})
    return deputy


def record(user: User, data: AbsenceInput) -> Absence:
    """The person's absence; absences of theirs that overlap it are replaced by it."""
    errors: dict[str, list[str]] = {}
    first = today()
    if data.starts_on is None:
        errors["from"] = ["Ange första dagen du är borta."]
    if data.ends_on is None:
        errors["to"] = ["Ange sista dagen du är borta."]
    if not errors:
        if data.ends_on < data.starts_on:
            errors["to"] = ["Sista dagen kan inte ligga före den första."]
        elif data.ends_on < first:
            errors["to"] = ["Frånvaron har redan tagit slut."]
        elif data.ends_on - data.starts_on >= timedelta(days=MAX_DAYS):
            errors["to"] = [f"Registrera högst {MAX_DAYS} dagar åt gången."]
    try:
        deputy = check_deputy(user, data.deputy)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        deputy = None
    if not errors and deputy is None and user.standing_deputy is None:
        errors["deputy"] = ["Välj en ersättare, eller ange en stående ersättare först."]
    if errors:
        raise ValidationFailed(errors)
    db.session.execute(delete(Absence).where(
        Absence.user_id == user.id, Absence.starts_on <= data.ends_on,
        Absence.ends_on >= data.starts_on))
    absence = Absence(user=user, starts_on=data.starts_on, ends_on=data.ends_on, deputy=deputy,
                      created_at=now_utc())
    db.session.add(absence)
    db.session.flush()
    return absence


def planned(user: User) -> list[Absence]:
    """The person's current and coming absences, soonest first."""
    return list(db.session.scalars(
        select(Absence).where(Absence.user_id == user.id, Absence.ends_on >= today())
        .order_by(Absence.starts_on, Absence.id)))


def remove(user: User, absence_id: int) -> bool:
    """A person's own absence, ended: one that has begun ends yesterday, one that has
    not is removed. False when it is not theirs."""
    absence = db.session.get(Absence, absence_id)
    if absence is None or absence.user_id != user.id or absence.ends_on < today():
        return False
    if absence.starts_on < today():
        absence.ends_on = today() - timedelta(days=1)
    else:
        db.session.delete(absence)
    db.session.flush()
    return True


def set_standing_deputy(user: User, username: str | None) -> User | None:
    user.standing_deputy = check_deputy(user, username)
    db.session.flush()
    return user.standing_deputy


def deputy_choices(user: User) -> list[tuple[str, str]]:
    """Colleagues a person may name, as (username, name) for a select."""
    stmt = (select(User).where(User.organisation_id == user.organisation_id, User.active,
                               User.is_integration.is_(False), User.awaiting_setup.is_(False),
                               User.id != user.id).order_by(User.full_name, User.username))
    people = list(db.session.scalars(stmt))
    if user.has_role(*CASE_CONTENT_ROLES):
        people = [p for p in people if p.has_role(*CASE_CONTENT_ROLES)]
    return [(p.username, f"{p.full_name or p.username} ({p.username})") for p in people]


def told_of(users: list[User], *, deputies: bool) -> list[User]:
    """Who of a role's holders is told (escalation/services.py, learning/handlers.py):
    the holders; a holder who is another holder's standing deputy only with `deputies`
    (a late step) or when nobody else is left; with `deputies`, every standing deputy
    too. An absent holder's notices go on to their deputy at once (notifications.tell)."""
    standing = {u.standing_deputy_id: u for u in users if u.standing_deputy_id}
    holders = [u for u in users if u.id not in standing or standing[u.id] is u] or users
    found = list(holders)
    if deputies:
        extra = [u for u in users if u not in found]
        extra += [h.standing_deputy for h in holders
                  if h.standing_deputy is not None and h.standing_deputy.active]
        found += list({u.id: u for u in extra if u not in found}.values())
    return found
