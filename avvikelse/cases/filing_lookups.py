"""What checking a filing reads of the directory and the agreements, kept per process.

Every filing asks the same three things until the directory or an agreement changes:
the receiving organisation, the agreement version in force (and whether it has the
category), and the reporter's units. Read through the ORM each time they were about a
third of the filing's checks. They are kept here under the directory marker's token
(core/marker.py: any write to those tables, from any process, gives a new token) as
detached snapshots, loaded in a session of their own so that no request's objects are
ever detached. A request gets each snapshot merged into its own session without a
statement (Session.merge with load=False), or the session's own object for that row
where it has one: the case's relationships take session objects as before, and the
snapshot itself is never attached, so no commit expires it. A change pending in the
request's session is flushed first, so that it bumps the marker and is read back.
"""
from dataclasses import replace
from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from avvikelse.accounts.models import User, user_units
from avvikelse.agreements import rules as agreement_rules
from avvikelse.agreements.rules import Rules, category_code_safe, county_of, local_day
from avvikelse.core import marker
from avvikelse.directory.models import Organisation, Unit
from avvikelse.directory.services import code_safe
from avvikelse.extensions import db

#: entries a process keeps per store before it starts over (codes and categories come
#: from the request, so the keys are bounded here, not by the directory)
_LIMIT = 4096
_ORGANISATIONS, _RULES, _UNITS = "avvikelse.filing.organisations", "avvikelse.filing.rules", "avvikelse.filing.units"
#: a kept "none found": None means "not kept yet" to marker.kept
_NONE = ()


class Lookups:
    """One filing's view of the kept lookups: the token read once, at the start."""

    def __init__(self) -> None:
        session = db.session
        if session.new or session.dirty or session.deleted:
            # A change pending in this session bumps the marker only when flushed.
            session.flush()
        self.token = marker.read()

    def organisation(self, code) -> Organisation | None:
        """organisation_by_code, kept."""
        if not code_safe(code):
            return None  # as organisation_by_code: a code that cannot exist is not asked for
        found = marker.kept(self.token, code, lambda: _snapshot(lambda s: s.scalar(
            select(Organisation).where(Organisation.code == code))), _ORGANISATIONS, _LIMIT)
        return _attached(found)

    def rules_and_category_at(self, day: datetime, sender: Organisation, receiver: Organisation | None,
                              category) -> tuple[Rules, bool | None]:
        """agreements.rules_and_category_at, kept per Swedish day, counties and category."""
        if not category_code_safe(category):
            return agreement_rules.rules_and_category_at(day, sender, receiver, category)
        key = (local_day(day), county_of(sender), county_of(receiver) if receiver is not None else None, category)
        rules, in_version = marker.kept(self.token, key, lambda: _snapshot(
            lambda s: agreement_rules.rules_and_category_at(day, sender, receiver, category, s)), _RULES, _LIMIT)
        if rules.version is not None:
            rules = replace(rules, version=_attached(rules.version))
        return rules, in_version

    def units_of(self, reporter: User) -> list[Unit]:
        """The reporter's units (User.units, in its order), kept per person: snapshots,
        to choose from by code; `attach` the one chosen."""
        return marker.kept(self.token, reporter.id, lambda: _snapshot(lambda s: list(s.scalars(
            select(Unit).join(user_units, user_units.c.unit_id == Unit.id)
            .where(user_units.c.user_id == reporter.id).order_by(Unit.name)))), _UNITS, _LIMIT)

    @staticmethod
    def attach(snapshot):
        """A kept snapshot as an object of the request's session (None stays None)."""
        return _attached(snapshot)


def _snapshot(load):
    """load(session) in a session of its own on the request's connection (the same
    transaction), closed at once: what it loaded is detached, never the request's."""
    with Session(bind=db.session.connection()) as session:
        found = load(session)
    return _NONE if found is None else found


def _attached(snapshot):
    """The session's own object for the snapshot's row, as it stands there (a merge
    would copy the snapshot's values onto it), or else the snapshot merged in."""
    if snapshot is None or snapshot is _NONE:
        return None
    found = db.session.identity_map.get(inspect(snapshot).key)
    return found if found is not None else db.session.merge(snapshot, load=False)
