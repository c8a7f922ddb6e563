"""What administrators change: a version's settings (with history), a new version, an
extension. Each checks everything first and writes after; the request commits."""
from datetime import date, datetime

from sqlalchemy import select

from avvikelse.accounts.models import Role, User
from avvikelse.agreements.models import (
    Agreement, AgreementCategory, AgreementClause, AgreementExtension, AgreementVersion, SettingChange,
)
from avvikelse.agreements.rules import county_of, local_day
from avvikelse.agreements.settings import BY_KEY, SETTINGS, as_text
from avvikelse.core.errors import NotFound, ValidationFailed
from avvikelse.extensions import db

REASON_MAX = 2000


def can_manage(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.ADMIN) and not user.is_integration


def visible_to(admin: User) -> list[Agreement]:
    """The agreements of the administrator's county (its organisations are parties)."""
    return list(db.session.scalars(
        select(Agreement).where(Agreement.county_code == county_of(admin.organisation))
        .order_by(Agreement.name)))


def agreement_for(admin: User, agreement_id: int) -> Agreement:
    agreement = db.session.get(Agreement, agreement_id)
    if agreement is None or agreement.county_code != county_of(admin.organisation):
        raise NotFound("Avtalet finns inte.")
    return agreement


def version_for(admin: User, version_id: int) -> AgreementVersion:
    version = db.session.get(AgreementVersion, version_id)
    if version is None or version.agreement.county_code != county_of(admin.organisation):
        raise NotFound("Avtalsversionen finns inte.")
    return version


def history(version: AgreementVersion) -> list[SettingChange]:
    return list(db.session.scalars(
        select(SettingChange).where(SettingChange.version_id == version.id)
        .order_by(SettingChange.changed_at.desc(), SettingChange.id.desc())))


def change_settings(admin: User, version: AgreementVersion, values: dict, reason: str | None,
                    now: datetime) -> list[SettingChange]:
    """Set the version's settings to `values` (key → value, None: the installation's);
    one history row per setting that changed, all with the reason. Nothing changed is
    refused, so the history only holds changes."""
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    for key, value in values.items():
        setting = BY_KEY.get(key)
        if setting is None:
            errors[key] = ["Okänd inställning."]
        elif value is not None and setting.kind is int and not (
                isinstance(value, int) and not isinstance(value, bool)
                and setting.minimum <= value <= setting.maximum):
            errors[key] = [f"Ange ett heltal {setting.minimum}–{setting.maximum}, eller lämna tomt."]
        elif value is not None and setting.kind is bool and not isinstance(value, bool):
            errors[key] = ["Välj ja, nej eller installationens inställning."]
    changed = [s for s in SETTINGS if s.key in values and getattr(version, s.key) != values[s.key]]
    if not errors and not changed:
        errors["form"] = ["Inget är ändrat."]
    if not reason:
        errors["reason"] = ["Skriv varför inställningarna ändras."]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [f"Högst {REASON_MAX} tecken."]
    if errors:
        raise ValidationFailed(errors)
    rows = []
    for setting in changed:
        old, new = getattr(version, setting.key), values[setting.key]
        rows.append(SettingChange(version_id=version.id, key=setting.key, old_value=as_text(old),
                                  new_value=as_text(new), changed_at=now, changed_by=admin, reason=reason))
        setattr(version, setting.key, new)
    db.session.add_all(rows)
    db.session.flush()
    return rows


def add_version(admin: User, agreement: Agreement, name: str, valid_from: date | None,
                valid_to: date | None, note: str | None, now: datetime) -> AgreementVersion:
    """A new version, from its first day; it starts with the latest version's clauses,
    categories and settings (so filing goes on with the same codes), which the seed or a
    later change words anew. The copied settings are in its history."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    latest = agreement.versions[-1] if agreement.versions else None
    if not name:
        errors["name"] = ["Ge versionen ett namn, t.ex. året den gäller från."]
    elif len(name) > 40:
        errors["name"] = ["Högst 40 tecken."]
    elif any(v.name == name for v in agreement.versions):
        errors["name"] = ["Det finns redan en version med det namnet."]
    if valid_from is None:
        errors["valid_from"] = ["Ange första dagen versionen gäller."]
    elif latest is not None and valid_from <= latest.valid_from:
        errors["valid_from"] = [
            f"En ny version måste börja efter den senaste versionens första dag ({latest.valid_from.isoformat()})."]
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = ["Sista dagen kan inte ligga före den första."]
    if errors:
        raise ValidationFailed(errors)
    version = AgreementVersion(agreement=agreement, name=name, valid_from=valid_from, valid_to=valid_to,
                               note=(note or "").strip() or None)
    db.session.add(version)
    if latest is not None:
        _copy(latest, version, admin, now)
    db.session.flush()
    return version


def _copy(source: AgreementVersion, target: AgreementVersion, admin: User, now: datetime) -> None:
    clauses = {}
    for clause in source.clauses:
        clauses[clause.id] = AgreementClause(version=target, code=clause.code, title=clause.title,
                                             summary=clause.summary, position=clause.position)
        db.session.add(clauses[clause.id])
    for category in source.categories:
        db.session.add(AgreementCategory(
            version=target, code=category.code, label=category.label, type=category.type,
            position=category.position, clauses=[clauses[c.id] for c in category.clauses]))
    for setting in SETTINGS:
        value = getattr(source, setting.key)
        if value is not None:
            setattr(target, setting.key, value)
            db.session.add(SettingChange(version=target, key=setting.key, old_value=None,
                                         new_value=as_text(value), changed_at=now, changed_by=admin,
                                         reason=f"Ny version: värdet från version {source.name}."))


def add_extension(admin: User, version: AgreementVersion, new_end: date | None, decided_on: date | None,
                  reference: str | None, note: str | None, now: datetime) -> AgreementExtension:
    """Move the version's end. The new end must lie after its current end and before a
    newer version starts (which ends it anyway)."""
    errors: dict[str, list[str]] = {}
    reference, note = (reference or "").strip() or None, (note or "").strip() or None
    current = version.ends_on
    newer = [v for v in version.agreement.versions if v.valid_from > version.valid_from]
    if new_end is None:
        errors["new_end"] = ["Ange det nya sista datumet."]
    elif current is None:
        errors["new_end"] = ["Versionen gäller tills vidare och behöver ingen förlängning."]
    elif new_end <= current:
        errors["new_end"] = [f"Det nya sista datumet måste ligga efter {current.isoformat()}."]
    elif newer and new_end >= newer[0].valid_from:
        errors["new_end"] = [
            f"Version {newer[0].name} gäller från {newer[0].valid_from.isoformat()}: förlängningen måste sluta före."]
    if decided_on is not None and decided_on > local_day(now):
        errors["decided_on"] = ["Beslutsdagen kan inte ligga i framtiden."]
    if reference and len(reference) > 100:
        errors["reference"] = ["Högst 100 tecken."]
    elif not reference and not note:
        errors["reference"] = ["Ange beslutets diarienummer eller paragraf, eller skriv en kommentar."]
    if errors:
        raise ValidationFailed(errors)
    extension = AgreementExtension(version=version, new_end=new_end, decided_on=decided_on,
                                   reference=reference, note=note, created_at=now, created_by=admin)
    db.session.add(extension)
    db.session.flush()
    return extension
