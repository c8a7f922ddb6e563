"""Administrators' pages: the county's agreement, its versions with their extensions,
clauses and categories, and a version's settings with their history.

Only administrators of an organisation in the agreement's county see them (others get
403; an agreement of another county is 404, as if it did not exist)."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from avvikelse.agreements import categories, rules, services
from avvikelse.agreements.forms import ExtensionForm, SettingsForm, VersionForm
from avvikelse.agreements.settings import SETTINGS
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.core.fields import apply_errors


@login_required
def admins_only():
    if not services.can_manage(current_user):
        abort(403)


def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def index():
    agreements = services.visible_to(current_user)
    if len(agreements) == 1:
        return redirect(url_for("agreements.agreement", agreement_id=agreements[0].id))
    return render_template("agreements/index.html", items=agreements)


def agreement(agreement_id: int):
    found = services.agreement_for(current_user, agreement_id)
    form, status = VersionForm(), 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                version = services.add_version(current_user, found, form.name.data, form.valid_from.data,
                                               form.valid_to.data, form.note.data, now_utc())
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            else:
                flash(_("Version %(name)s är tillagd.", name=version.name), "success")
                return redirect(url_for("agreements.version", version_id=version.id))
    now = now_utc()
    in_force = rules.version_at(now, found.county_code)
    return render_template("agreements/agreement.html", agreement=found, form=form, in_force=in_force,
                           standing=rules.standing, today=rules.local_day(now)), status


def version(version_id: int):
    found = services.version_for(current_user, version_id)
    form, status = ExtensionForm(), 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                extension = services.add_extension(current_user, found, form.new_end.data, form.decided_on.data,
                                                   form.reference.data, form.note.data, now_utc())
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            else:
                flash(_("Versionen är förlängd till och med %(day)s.", day=extension.new_end.isoformat()),
                      "success")
                return redirect(url_for("agreements.version", version_id=found.id))
    now = now_utc()
    return render_template("agreements/version.html", version=found, form=form,
                           standing=rules.standing(found, now), categories=categories.of_version(found),
                           settings=_settings_rows(found)), status


def settings(version_id: int):
    found = services.version_for(current_user, version_id)
    form, status = SettingsForm(), 200
    if not form.is_submitted():
        form.fill(found)
    else:
        status = 422
        if form.validate():
            try:
                services.change_settings(current_user, found, form.values(), form.reason.data, now_utc())
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            else:
                flash(_("Inställningarna är sparade."), "success")
                return redirect(url_for("agreements.settings", version_id=found.id))
    return render_template("agreements/settings.html", version=found, form=form,
                           settings=_settings_rows(found), history=services.history(found),
                           labels={s.key: s.label for s in SETTINGS}), status


def _settings_rows(version) -> list[dict]:
    """Per setting: its label, the version's value as text (None: not set), the
    installation's as text."""
    return [{"key": s.key, "label": s.label, "is_bool": s.kind is bool,
             "own": _text(getattr(version, s.key)),
             "installation": _text(s.kind(rules.installation_value(s.key)))} for s in SETTINGS]


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    return str(value)
