"""The caller's own absences and standing deputy (accounts/absence.py).

`PUT /me/absence {from, to, deputy}` records an absence (replacing any of the caller's
that overlap it); `deputy` is a colleague's username, or null for the standing deputy.
`GET /me/absence` lists the current and coming ones. `PUT /me/deputy {deputy}` names the
standing deputy (null: nobody).
"""
from flask import g

from avvikelse.accounts import absence
from avvikelse.accounts.forms import AbsenceForm, StandingDeputyForm
from avvikelse.accounts.models import Absence, User
from avvikelse.api.adapter import json_body, validate
from avvikelse.api.errors import fail


def _username(user: User | None) -> str | None:
    return user.username if user is not None else None


def absence_json(row: Absence) -> dict:
    deputy = row.deputy or row.user.standing_deputy
    return {"id": row.id, "from": row.starts_on.isoformat(), "to": row.ends_on.isoformat(),
            "deputy": _username(deputy), "standing_deputy": row.deputy is None}


def _people_only() -> None:
    if g.api_user.is_integration:
        fail(403, "Ett integrationskonto har ingen frånvaro.")


def get_absence():
    _people_only()
    return {"items": [absence_json(a) for a in absence.planned(g.api_user)],
            "standing_deputy": _username(g.api_user.standing_deputy)}


def put_absence():
    _people_only()
    form = validate(AbsenceForm, json_body())
    return absence_json(absence.record(g.api_user, form.to_input()))


def put_deputy():
    _people_only()
    form = validate(StandingDeputyForm, json_body())
    deputy = absence.set_standing_deputy(g.api_user, form.deputy.data or None)
    return {"standing_deputy": _username(deputy)}
