"""The one API other code asks about an agreement's rules.

    rules_at(day, sender, receiver=None) -> Rules   the rules for a filing on that day
    rules_for(case) -> Rules                        the rules of the version a case was filed under
    rules_by_version() -> dict                      every version's rules at once, for passes
                                                    over many cases (key None: the installation's)

`Rules` carries each setting as an attribute named like its config key in lower case
(`answer_due_days`, `reminder_days_before`, `overdue_escalation_days`,
`serious_consequence_min`, `serious_risk_min`, `kommun_to_kommun_allowed`): the version's
value, or the installation's (config.py) where the version leaves it empty, or where no
agreement applies at all.

Which version is in force on a day: the agreement's version whose period covers the
day. Versions follow one another, so that is the latest version started by that day.
Past the last end date (extensions included) with no newer version, the latest version
goes on applying: the agreement is extended while a new one is negotiated ("förlängt i
avvaktan på nytt avtal"). Before the first version, no agreement applies.
"""
import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from avvikelse.agreements.models import Agreement, AgreementCategory, AgreementVersion
from avvikelse.agreements.settings import SETTINGS
from avvikelse.core.clock import to_local
from avvikelse.directory.models import Organisation, OrgKind, acting_kind
from avvikelse.extensions import db


@dataclass(frozen=True)
class Rules:
    answer_due_days: int
    reminder_days_before: int
    overdue_escalation_days: int
    serious_consequence_min: int
    serious_risk_min: int
    kommun_to_kommun_allowed: bool
    #: the version these come from; None: no agreement applies (the installation's settings)
    version: AgreementVersion | None = None

    @property
    def version_id(self) -> int | None:
        return self.version.id if self.version is not None else None

    def allows(self, sender: Organisation, receiver: Organisation) -> bool:
        """Which organisations may file to which: region ↔ kommun always; kommun ↔ kommun
        where the agreement allows it; two regions never (not a deviation between
        principals of one county). An organisation with both duties (Region Gotland) is
        the kommun toward a region and the region toward a kommun; its own hospital and
        hemsjukvård are one organisation, whose events are internal deviations."""
        if sender.id is not None and sender.id == receiver.id:
            return False
        kinds = {acting_kind(sender, receiver), acting_kind(receiver, sender)}
        if kinds == {OrgKind.REGION, OrgKind.KOMMUN}:
            return True
        return kinds == {OrgKind.KOMMUN} and self.kommun_to_kommun_allowed


def county_of(organisation: Organisation) -> str:
    """The län code of the organisation's county (its samverkan)."""
    return organisation.county


def local_day(moment: date | datetime) -> date:
    return to_local(moment).date() if isinstance(moment, datetime) else moment


def _version_at(day: date | datetime, county_code: str):
    # The agreement comes from the same row (it is joined anyway): the pages that show the
    # version name it, and would otherwise read it in a statement of its own.
    return (select(AgreementVersion).join(Agreement).options(contains_eager(AgreementVersion.agreement))
            .where(Agreement.county_code == county_code, AgreementVersion.valid_from <= local_day(day))
            .order_by(AgreementVersion.valid_from.desc()).limit(1))


def version_at(day: date | datetime, county_code: str, session=None) -> AgreementVersion | None:
    """The version of the county's agreement in force on the day (see the module's doc)."""
    return (session or db.session).scalar(_version_at(day, county_code))


def rules_at(day: date | datetime, sender: Organisation, receiver: Organisation | None = None) -> Rules:
    """The rules for a case the sender files on the day (to the receiver, when known):
    those of the version in force in their county; the installation's when the county
    has no agreement yet. Between two counties: the installation's, except a setting
    both counties' versions in force set to the same value (`joint_rules`)."""
    county = county_of(sender)
    if receiver is not None and county_of(receiver) != county:
        return joint_rules(day, sender, receiver)
    return _rules(version_at(day, county))


def rules_and_category_at(day: date | datetime, sender: Organisation, receiver: Organisation | None,
                          category: str, session=None) -> tuple[Rules, bool | None]:
    """rules_at, and whether `category` is a category of the version in force, asked in
    the same statement (a filing checks both); None when no one version applies (no
    agreement, or two counties): the caller checks the code against the fixed list.
    `session`: where to read (the request's, db.session, by default)."""
    session = session or db.session
    county = county_of(sender)
    if receiver is not None and county_of(receiver) != county:
        return joint_rules(day, sender, receiver, session), None
    if not category_code_safe(category):
        rules = _rules(version_at(day, county, session))
        return rules, (False if rules.version is not None else None)
    has = (select(AgreementCategory.id).where(AgreementCategory.version_id == AgreementVersion.id,
                                              AgreementCategory.code == category).exists())
    row = session.execute(_version_at(day, county).add_columns(has)).first()
    if row is None:
        return _rules(None), None
    return _rules(row[0]), bool(row[1])


def category_code_safe(code) -> bool:
    """A code that may be looked up: from a form or JSON, PostgreSQL refuses NUL in a
    comparison, and no category code is longer than its column."""
    return isinstance(code, str) and bool(code) and len(code) <= 32 and "\x00" not in code


def joint_rules(day: date | datetime, sender: Organisation, receiver: Organisation, session=None) -> Rules:
    """A case between organisations of two counties follows no one agreement (its
    version is None): each setting is the installation's unless both agreements in
    force that day say otherwise, alike."""
    ours, theirs = version_at(day, county_of(sender), session), version_at(day, county_of(receiver), session)
    values = {}
    for setting in SETTINGS:
        a = getattr(ours, setting.key) if ours is not None else None
        b = getattr(theirs, setting.key) if theirs is not None else None
        values[setting.key] = a if a is not None and a == b else setting.kind(installation_value(setting.key))
    return Rules(version=None, **values)


def rules_for(case) -> Rules:
    """The rules of the version the case was filed under (`cases.agreement_version_id`),
    as that version's settings stand now; a case between two counties, the joint rules
    of the day it was reported."""
    if case.agreement_version_id is not None:
        return _rules(case.agreement_version)
    sender, receiver = case.sender_organisation, case.receiver_organisation
    if sender is not None and receiver is not None and county_of(sender) != county_of(receiver):
        return joint_rules(case.reported_at, sender, receiver)
    return _rules(None)


def rules_by_version() -> dict[int | None, Rules]:
    """Every version's rules by version id, and the installation's under None: for a pass
    over many cases, one statement instead of one per case."""
    found: dict[int | None, Rules] = {None: _rules(None)}
    for version in db.session.scalars(select(AgreementVersion)):
        found[version.id] = _rules(version)
    return found


def installation_value(key: str):
    return current_app.config[key.upper()]


def _rules(version: AgreementVersion | None) -> Rules:
    values = {}
    for setting in SETTINGS:
        own = getattr(version, setting.key) if version is not None else None
        values[setting.key] = own if own is not None else setting.kind(installation_value(setting.key))
    return Rules(version=version, **values)


class Standing(enum.StrEnum):
    UPCOMING = "upcoming"
    IN_FORCE = "in_force"
    #: in force past its last end date: no newer version yet
    EXTENDED_PENDING = "extended_pending"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return str(STANDING_LABELS[self])


STANDING_LABELS = {
    Standing.UPCOMING: _l("kommande"),
    Standing.IN_FORCE: _l("gäller"),
    Standing.EXTENDED_PENDING: _l("förlängt i avvaktan på nytt avtal"),
    Standing.SUPERSEDED: _l("ersatt"),
}


def standing(version: AgreementVersion, day: date | datetime, *, in_force: bool = False) -> Standing:
    """Where the version stands on the day, among its agreement's versions. `in_force`:
    the version is version_at(day)'s, the latest started by the day, so neither upcoming
    nor superseded; its agreement's other versions are not read (a statement saved)."""
    day = local_day(day)
    if not in_force:
        if version.valid_from > day:
            return Standing.UPCOMING
        newer = [v for v in version.agreement.versions if version.valid_from < v.valid_from <= day]
        if newer:
            return Standing.SUPERSEDED
    end = version.ends_on
    return Standing.EXTENDED_PENDING if end is not None and day > end else Standing.IN_FORCE


def in_force_during(first: date, last: date) -> list[tuple[AgreementVersion, Standing]]:
    """Every county's versions in force on some day from `first` to `last` (Swedish days),
    each with its standing on the last of those days: what a forum period was under."""
    found = []
    for agreement in db.session.scalars(select(Agreement).order_by(Agreement.county_code)):
        versions = sorted(agreement.versions, key=lambda v: v.valid_from)
        for i, version in enumerate(versions):
            following = versions[i + 1].valid_from if i + 1 < len(versions) else None
            if version.valid_from <= last and (following is None or following > first):
                until = last if following is None or following > last else following - timedelta(days=1)
                found.append((version, standing(version, until)))
    return found


def clause_text(codes: list[str] | tuple[str, ...]) -> str:
    """"§7.7, bilaga 7–8": the codes in order, consecutive bilagor as a range, "—" for none."""
    if not codes:
        return "—"
    parts: list[str] = []
    run: list[int] = []

    def close():
        if run:
            parts.append(f"bilaga {run[0]}" if len(run) == 1 else f"bilaga {run[0]}–{run[-1]}")
            run.clear()

    for code in codes:
        number = code.removeprefix("bilaga ").strip()
        if code.startswith("bilaga ") and number.isdigit():
            if run and int(number) != run[-1] + 1:
                close()
            run.append(int(number))
        else:
            close()
            parts.append(code)
    close()
    return ", ".join(parts)
