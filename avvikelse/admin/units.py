"""An administrator's work on the units and functional mailboxes of their organisation.

Units are created, renamed, moved under another unit, and closed with a successor: the
closed unit's people move to the successor, and so do its open cases, on the receiving
and on the sending side, each with a history row written by the system (the
administrator reads no case). A functional mailbox per unit, and one for the
organisation's intake, gets the routing mail when no person there has an address
(routing/services.py).
"""
import re
from datetime import datetime

from sqlalchemy import or_, select

from avvikelse.accounts import history
from avvikelse.accounts.models import User, user_units
from avvikelse.cases.changes import record_change
from avvikelse.cases.enums import OPEN_STATUSES
from avvikelse.cases.models import Case
from avvikelse.core.email_address import INVALID as INVALID_ADDRESS
from avvikelse.core.email_address import is_plain_address
from avvikelse.core.errors import NotFound, ValidationFailed
from avvikelse.core.text import TextError, clean_text
from avvikelse.directory.models import Organisation, Unit
from avvikelse.directory.services import unit_by_code
from avvikelse.extensions import db

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def of_organisation(admin: User) -> list[Unit]:
    """The organisation's units, open ones first, by name."""
    return list(db.session.scalars(
        select(Unit).where(Unit.organisation_id == admin.organisation_id)
        .order_by(Unit.active.desc(), Unit.name)))


def get_for(admin: User, unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.organisation_id != admin.organisation_id:
        raise NotFound("Enheten finns inte.")
    return unit


def _name(value: str, errors: dict) -> str:
    try:
        name = clean_text(value or "", multiline=False).strip()
    except TextError as exc:
        errors["name"] = [exc.message]
        return ""
    if not name:
        errors["name"] = ["Ange enhetens namn."]
    return name[:200]


def _parent(admin: User, parent_id: int | None, unit: Unit | None, errors: dict) -> Unit | None:
    if not parent_id:
        return None
    parent = db.session.get(Unit, parent_id)
    if parent is None or parent.organisation_id != admin.organisation_id or not parent.active:
        errors["parent"] = ["Välj en öppen enhet i den egna organisationen."]
        return None
    above = parent
    while above is not None and unit is not None:
        if above.id == unit.id:
            errors["parent"] = ["En enhet kan inte ligga under sig själv eller sina egna underenheter."]
            return None
        above = above.parent
    return parent


def _mailbox(value: str | None, errors: dict) -> str | None:
    address = (value or "").strip() or None
    if address is not None and not is_plain_address(address):
        errors["mailbox"] = [INVALID_ADDRESS]
    return address


def create(admin: User, code: str, name: str, parent_id: int | None, mailbox: str | None,
           now: datetime) -> Unit:
    errors: dict[str, list[str]] = {}
    code = (code or "").strip()
    if not CODE.match(code):
        errors["code"] = ["1–64 tecken: bokstäver a–z, siffror, punkt, bindestreck eller understreck."]
    elif unit_by_code(code) is not None:
        errors["code"] = ["Koden används redan av en annan enhet."]
    name = _name(name, errors)
    parent = _parent(admin, parent_id, None, errors)
    address = _mailbox(mailbox, errors)
    if errors:
        raise ValidationFailed(errors)
    unit = Unit(organisation_id=admin.organisation_id, code=code, name=name, parent=parent,
                mailbox=address)
    db.session.add(unit)
    db.session.flush()
    history.record(admin, "unit_created", admin.organisation_id,
                   f"{name} ({code}){_under(parent)}.{_box(address)}", unit=unit, at=now)
    return unit


def _under(parent: Unit | None) -> str:
    return f", under {parent.name}" if parent else ""


def _box(address: str | None) -> str:
    return f" Funktionsbrevlåda: {address}." if address else ""


def update(admin: User, unit: Unit, name: str, parent_id: int | None, mailbox: str | None,
           now: datetime) -> None:
    """Rename, move under another unit, change the mailbox: each a row of history."""
    errors: dict[str, list[str]] = {}
    new_name = _name(name, errors)
    parent = _parent(admin, parent_id, unit, errors)
    address = _mailbox(mailbox, errors)
    if not unit.active:
        errors["form"] = ["Enheten är stängd."]
    if errors:
        raise ValidationFailed(errors)
    if new_name != unit.name:
        history.record(admin, "unit_renamed", admin.organisation_id,
                       f"Från {unit.name} till {new_name}.", unit=unit, at=now)
        unit.name = new_name
    if (parent.id if parent else None) != unit.parent_id:
        before = unit.parent.name if unit.parent else "ingen"
        history.record(admin, "unit_moved", admin.organisation_id,
                       f"Överordnad enhet: från {before} till {parent.name if parent else 'ingen'}.",
                       unit=unit, at=now)
        unit.parent = parent
    if address != unit.mailbox:
        history.record(admin, "mailbox", admin.organisation_id,
                       f"Från {unit.mailbox or 'ingen'} till {address or 'ingen'}.", unit=unit, at=now)
        unit.mailbox = address
    db.session.flush()


def close(admin: User, unit: Unit, successor_id: int | None, now: datetime) -> tuple[int, int]:
    """The unit closes; its people and open cases go to the successor. Returns how many
    people and cases moved."""
    errors: dict[str, list[str]] = {}
    successor = db.session.get(Unit, successor_id) if successor_id else None
    if not unit.active:
        errors["form"] = ["Enheten är redan stängd."]
    elif successor is None or successor.organisation_id != admin.organisation_id \
            or not successor.active or successor.id == unit.id:
        errors["successor"] = ["Välj en annan öppen enhet i den egna organisationen som tar över."]
    if errors:
        raise ValidationFailed(errors)
    moved_people = list(db.session.scalars(
        select(User).join(user_units, user_units.c.user_id == User.id)
        .where(user_units.c.unit_id == unit.id)))
    for person in moved_people:
        person.units = [u for u in person.units if u.id != unit.id] + (
            [] if successor in person.units else [successor])
        history.record(admin, "units", admin.organisation_id,
                       f"Från {unit.name} till {successor.name}: enheten stängdes.", user=person, at=now)
    cases = list(db.session.scalars(select(Case).where(
        Case.status.in_(OPEN_STATUSES),
        or_(Case.receiver_unit_id == unit.id, Case.sender_unit_id == unit.id))))
    for case in cases:
        if case.receiver_unit_id == unit.id:
            case.receiver_unit, case.receiver_unit_id = successor, successor.id
        if case.sender_unit_id == unit.id:
            case.sender_unit, case.sender_unit_id = successor, successor.id
        record_change(case, "move_unit", None, now,
                      note=f"{unit.name} stängdes; ärendet flyttades till {successor.name}.")
    for child in db.session.scalars(select(Unit).where(Unit.parent_id == unit.id)):
        child.parent = successor
    unit.active, unit.successor = False, successor
    history.record(admin, "unit_closed", admin.organisation_id,
                   f"Efterträdare: {successor.name}. {len(moved_people)} personer och "
                   f"{len(cases)} öppna ärenden flyttade.", unit=unit, at=now)
    db.session.flush()
    return len(moved_people), len(cases)


def set_intake_mailbox(admin: User, mailbox: str | None, now: datetime) -> None:
    errors: dict[str, list[str]] = {}
    address = _mailbox(mailbox, errors)
    if errors:
        raise ValidationFailed(errors)
    org = db.session.get(Organisation, admin.organisation_id)
    if address != org.mailbox:
        history.record(admin, "mailbox", org.id,
                       f"Mottagningens funktionsbrevlåda: från {org.mailbox or 'ingen'} till "
                       f"{address or 'ingen'}.", at=now)
        org.mailbox = address
    db.session.flush()
