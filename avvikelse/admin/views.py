"""The admin pages: accounts, units and mailboxes of the administrator's organisation.

Every page is for an administrator (a person, not a system) and concerns their own
organisation; another organisation's account or unit answers 404 like a missing one.
A temporary password is shown once, in the response to the POST that made it, with
no-store caching.
"""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from avvikelse.accounts import grants, history
from avvikelse.accounts.models import CASE_CONTENT_ROLES, Role
from avvikelse.admin import accounts, units
from avvikelse.admin.forms import AccountForm, CloseUnitForm, ConfirmForm, MailboxForm, UnitForm
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.core.fields import apply_errors


@login_required
def administrators_only():
    if not accounts.can_administer(current_user):
        abort(403)


def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


ROLE_LABELS = {
    "reporter": "Rapportör", "handler": "Handläggare", "mas": "MAS", "chefslakare": "Chefsläkare",
    "sas": "SAS", "manager": "Chef (verksamhets- eller enhetschef)", "forum": "Samverkansforum",
    "admin": "Administratör",
}


def role_label(role: Role) -> str:
    """A role's name on the page; a role without one here shows its code."""
    return _(ROLE_LABELS[role.value]) if role.value in ROLE_LABELS else role.value


def _account_form(formdata=..., **data) -> AccountForm:
    form = AccountForm(**data) if formdata is ... else AccountForm(formdata=formdata, **data)
    form.units.choices = [(u.id, u.name) for u in current_user.organisation.units if u.active]
    # Every role accounts/models.py defines; those opening case content say they wait.
    form.roles.choices = [
        (r.value, role_label(r) + (" " + _("(godkänns av MAS eller chefsläkare)")
                                   if r in CASE_CONTENT_ROLES else ""))
        for r in Role]
    return form


def _input(form: AccountForm) -> accounts.AccountInput:
    return accounts.AccountInput(
        username=form.username.data, full_name=form.full_name.data or "", email=form.email.data,
        unit_ids=set(form.units.data or []), roles={Role(r) for r in form.roles.data or []})


# -- accounts ---------------------------------------------------------------------------------

def account_list():
    return _accounts_page(_account_form(formdata=None))


def _accounts_page(form, status: int = 200):
    items = accounts.people(current_user)
    return render_template("admin/accounts.html", items=items, form=form,
                           pending=grants.pending_of(items), role_label=role_label), status


def create_account():
    form = _account_form()
    if not form.validate_on_submit():
        return _accounts_page(form, 422)
    try:
        user, password, pending = accounts.create(current_user, _input(form), now_utc())
    except ValidationFailed as exc:
        apply_errors(form, exc.errors)
        return _accounts_page(form, 422)
    flash(_("Kontot %(name)s är skapat.", name=user.username), "success")
    if pending:
        flash(_("Roller som ger tillgång till ärenden gäller först när MAS eller chefsläkare i "
                "organisationen har godkänt dem."), "info")
    if password is None:
        return redirect(url_for("admin.account", user_id=user.id))
    return _account_page(user, password=password, status=201)


def account(user_id: int):
    return _account_page(accounts.get_for(current_user, user_id))


def _account_page(user, form=None, status: int = 200, password: str | None = None,
                  refusal: str | None = None):
    form = form or _account_form(formdata=None, full_name=user.full_name, email=user.email or "",
                                 units=sorted(user.unit_ids), roles=[r.value for r in user.roles])
    return render_template(
        "admin/account.html", user=user, form=form, confirm=ConfirmForm(), password=password,
        refusal=refusal, pending=grants.pending_of([user]).get(user.id, []),
        events=history.for_user(user), labels=history.LABELS, role_label=role_label,
    ), status


def update_account(user_id: int):
    user = accounts.get_for(current_user, user_id)
    form = _account_form()
    if not form.validate_on_submit():
        return _account_page(user, form, 422)
    change = accounts.complete_setup if user.awaiting_setup else accounts.update
    try:
        pending = change(current_user, user, _input(form), now_utc())
    except ValidationFailed as exc:
        apply_errors(form, exc.errors)
        return _account_page(user, form, 422)
    flash(_("Kontot är sparat."), "success")
    if pending:
        flash(_("Roller som ger tillgång till ärenden gäller först när MAS eller chefsläkare i "
                "organisationen har godkänt dem."), "info")
    return redirect(url_for("admin.account", user_id=user.id))


def _account_act(user_id: int, act, done: str):
    user = accounts.get_for(current_user, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        result = act(current_user, user, now_utc())
    except ValidationFailed as exc:
        return _account_page(user, status=409, refusal=" ".join(
            m for messages in exc.errors.values() for m in messages)), None
    flash(done, "success")
    return None, (user, result)


def deactivate_account(user_id: int):
    page, done = _account_act(user_id, accounts.deactivate, _("Kontot är avaktiverat. Dess "
                                                            "sessioner och token har upphört."))
    return page or redirect(url_for("admin.account", user_id=user_id))


def reactivate_account(user_id: int):
    page, done = _account_act(user_id, accounts.reactivate, _("Kontot är aktivt igen."))
    return page or redirect(url_for("admin.account", user_id=user_id))


def reset_password(user_id: int):
    page, done = _account_act(user_id, accounts.reset_password,
                              _("Ett tillfälligt lösenord är skapat. Personen väljer ett eget vid "
                                "nästa inloggning."))
    if page:
        return page
    user, password = done
    return _account_page(user, password=password)


def unlock_account(user_id: int):
    page, done = _account_act(user_id, accounts.unlock,
                              _("Kontots misslyckade inloggningar är nollställda."))
    if page:
        return page
    if not done[1]:
        flash(_("Räknaren för inloggningsförsök gick inte att nå. Försök igen om en stund."), "error")
    return redirect(url_for("admin.account", user_id=user_id))


# -- units and mailboxes ----------------------------------------------------------------------

def _unit_form(formdata=..., exclude=None, **data) -> UnitForm:
    form = UnitForm(**data) if formdata is ... else UnitForm(formdata=formdata, **data)
    form.parent.choices = [("", _("Ingen"))] + [
        (u.id, u.name) for u in units.of_organisation(current_user)
        if u.active and (exclude is None or u.id != exclude.id)]
    return form


def unit_list():
    return _units_page(_unit_form(formdata=None),
                       MailboxForm(formdata=None, mailbox=current_user.organisation.mailbox or ""))


def _units_page(form, mailbox_form, status: int = 200):
    return render_template("admin/units.html", items=units.of_organisation(current_user), form=form,
                           mailbox_form=mailbox_form, labels=history.LABELS,
                           events=[e for e in history.for_organisation(current_user.organisation_id)
                                   if e.user_id is None]), status


def create_unit():
    form = _unit_form()
    mailbox_form = MailboxForm(formdata=None, mailbox=current_user.organisation.mailbox or "")
    if not form.validate_on_submit():
        return _units_page(form, mailbox_form, 422)
    try:
        unit = units.create(current_user, form.code.data, form.name.data, form.parent.data,
                            form.mailbox.data, now_utc())
    except ValidationFailed as exc:
        apply_errors(form, exc.errors)
        return _units_page(form, mailbox_form, 422)
    flash(_("Enheten %(name)s är skapad.", name=unit.name), "success")
    return redirect(url_for("admin.unit", unit_id=unit.id))


def intake_mailbox():
    form = MailboxForm()
    if form.validate_on_submit():
        try:
            units.set_intake_mailbox(current_user, form.mailbox.data, now_utc())
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(_("Mottagningens funktionsbrevlåda är sparad."), "success")
            return redirect(url_for("admin.units"))
    return _units_page(_unit_form(formdata=None), form, 422)


def unit(unit_id: int):
    found = units.get_for(current_user, unit_id)
    return _unit_page(found)


def _unit_page(found, form=None, close_form=None, status: int = 200):
    form = form or _unit_form(formdata=None, exclude=found, name=found.name,
                              parent=found.parent_id, mailbox=found.mailbox or "")
    close_form = close_form or CloseUnitForm(formdata=None)
    close_form.successor.choices = [("", _("Välj …"))] + [
        (u.id, u.name) for u in units.of_organisation(current_user) if u.active and u.id != found.id]
    return render_template("admin/unit.html", unit=found, form=form, close_form=close_form,
                           events=history.for_unit(found), labels=history.LABELS), status


def update_unit(unit_id: int):
    found = units.get_for(current_user, unit_id)
    form = _unit_form(exclude=found)
    if not form.validate_on_submit():
        return _unit_page(found, form=form, status=422)
    try:
        units.update(current_user, found, form.name.data, form.parent.data, form.mailbox.data, now_utc())
    except ValidationFailed as exc:
        apply_errors(form, exc.errors)
        return _unit_page(found, form=form, status=422)
    flash(_("Enheten är sparad."), "success")
    return redirect(url_for("admin.unit", unit_id=found.id))


def close_unit(unit_id: int):
    found = units.get_for(current_user, unit_id)
    form = CloseUnitForm()
    if not form.validate_on_submit():
        return _unit_page(found, close_form=form, status=422)
    try:
        people, cases = units.close(current_user, found, form.successor.data, now_utc())
    except ValidationFailed as exc:
        apply_errors(form, exc.errors)
        return _unit_page(found, close_form=form, status=422)
    flash(_("Enheten är stängd. %(people)d personer och %(cases)d öppna ärenden flyttades till "
            "%(name)s.", people=people, cases=cases, name=found.successor.name), "success")
    return redirect(url_for("admin.unit", unit_id=found.id))
