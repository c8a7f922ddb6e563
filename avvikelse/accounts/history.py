"""The admin history: what was changed in an organisation's accounts, units and mailboxes,
by whom and when (AdminEvent). Written in the transaction of the change itself; read by
the admin pages. The notes are the system's own words and directory data, never free
text someone typed about a case."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from avvikelse.accounts.models import AdminEvent, User
from avvikelse.core.clock import now_utc
from avvikelse.directory.models import Unit
from avvikelse.extensions import db

#: how the pages name each kind of change
LABELS = {
    "created": _l("Konto skapat"),
    "sso_created": _l("Konto skapat vid första inloggningen"),
    "setup": _l("Konto iordningställt"),
    "details": _l("Uppgifter ändrade"),
    "roles": _l("Roller ändrade"),
    "role_requested": _l("Roll begärd (väntar på godkännande)"),
    "units": _l("Enheter ändrade"),
    "deactivated": _l("Konto avaktiverat"),
    "reactivated": _l("Konto aktiverat igen"),
    "password_reset": _l("Tillfälligt lösenord"),
    "unlocked": _l("Inloggningsförsök nollställda"),
    "unit_created": _l("Enhet skapad"),
    "unit_renamed": _l("Enhet bytt namn"),
    "unit_moved": _l("Enhet flyttad"),
    "unit_closed": _l("Enhet stängd"),
    "mailbox": _l("Funktionsbrevlåda ändrad"),
}


def record(actor: User | None, action: str, organisation_id: int, note: str = "", *,
           user: User | None = None, unit: Unit | None = None,
           at: datetime | None = None) -> AdminEvent:
    row = AdminEvent(at=at or now_utc(), actor=actor, organisation_id=organisation_id,
                     user=user, unit=unit, action=action, note=note)
    db.session.add(row)
    return row


def for_user(user: User, limit: int = 50) -> list[AdminEvent]:
    return list(db.session.scalars(
        select(AdminEvent).where(AdminEvent.user_id == user.id)
        .order_by(AdminEvent.at.desc(), AdminEvent.id.desc()).limit(limit)))


def for_unit(unit: Unit, limit: int = 50) -> list[AdminEvent]:
    return list(db.session.scalars(
        select(AdminEvent).where(AdminEvent.unit_id == unit.id)
        .order_by(AdminEvent.at.desc(), AdminEvent.id.desc()).limit(limit)))


def for_organisation(organisation_id: int, limit: int = 50) -> list[AdminEvent]:
    return list(db.session.scalars(
        select(AdminEvent).where(AdminEvent.organisation_id == organisation_id)
        .order_by(AdminEvent.at.desc(), AdminEvent.id.desc()).limit(limit)))
