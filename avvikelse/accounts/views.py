"""Logging in and out of the web pages; approving role grants (MAS, chefsläkare)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from avvikelse.accounts import absence, assurance, grants
from avvikelse.accounts.forms import (AbsenceForm, ConfirmForm, LoginForm, PasswordChangeForm,
                                      ReauthForm, StandingDeputyForm)
from avvikelse.accounts.models import OVERSEERS, Role
from avvikelse.accounts.services import authenticate, change_password, log_out_everywhere
from avvikelse.accounts.sessions import end_session, start_session
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import DomainError, ValidationFailed
from avvikelse.core.fields import apply_errors
from avvikelse.core.urls import safe_next

bp = Blueprint("accounts", __name__)


@bp.route("/logga-in", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("cases.start"))
    password_enabled = current_app.config["PASSWORD_LOGIN_ENABLED"]
    sso = bool(current_app.config.get("OIDC_ISSUER"))
    form = LoginForm()
    status = 200
    if request.method == "POST" and not password_enabled:
        abort(404)
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None and assurance.password_refused(user):
            user = None  # strong authentication required: answered as a wrong password
        if user is not None:
            start_session(user)
            return redirect(safe_next(request.args.get("next")) or url_for("cases.start"))
        # One message for every case: whether a username exists, or a password was right
        # for an account that must use strong authentication, is not told.
        form.form_errors.append(login_failed_message())
        status = 401
    elif form.is_submitted():
        status = 422
    return render_template("accounts/login.html", form=form, password_enabled=password_enabled,
                           sso=sso, next=safe_next(request.args.get("next"))), status


def login_failed_message() -> str:
    if assurance.accepted_acrs():
        return _("Inloggningen gick inte. Kontrollera användarnamn och lösenord. Handläggare, "
                 "MAS och chefsläkare loggar in med e-tjänstekort.")
    return _("Fel användarnamn eller lösenord.")


@bp.route("/logga-ut", methods=["POST"])
@login_required
def logout():
    end_session()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/logga-in/igen", methods=["GET", "POST"])
@login_required
def reauthenticate():
    """Prove it again (before minting a token): the password, or single sign-on; then
    back to `next`."""
    target = safe_next(request.args.get("next")) or url_for("cases.start")
    sso = bool(current_app.config.get("OIDC_ISSUER"))
    # A password cannot give strong authentication: only SSO, when that is what is needed.
    strong = request.args.get("sso") == "1" or assurance.needs_strong_auth(current_user)
    password_enabled = current_app.config["PASSWORD_LOGIN_ENABLED"] and not strong
    form, status = ReauthForm(), 200
    if request.method == "POST" and not password_enabled:
        abort(404)
    if form.validate_on_submit():
        user = authenticate(current_user.username, form.password.data)
        if user is not None and user.id == current_user.id:
            start_session(user)
            return redirect(target)
        form.form_errors.append(_("Fel lösenord."))
        status = 401
    elif form.is_submitted():
        status = 422
    return render_template("accounts/reauthenticate.html", form=form, next=target, sso=sso,
                           password_enabled=password_enabled, strong=strong), status


@bp.route("/profil")
@login_required
def profile():
    return _profile()


def _profile(absence_form=None, deputy_form=None, status: int = 200):
    choices = [("", _("Välj …"))] + absence.deputy_choices(current_user)
    absence_form = absence_form or AbsenceForm(formdata=None)
    absence_form.deputy.choices = [("", _("Min stående ersättare"))] + choices[1:]
    deputy_form = deputy_form or StandingDeputyForm(
        formdata=None, deputy=current_user.standing_deputy.username if current_user.standing_deputy else "")
    deputy_form.deputy.choices = [("", _("Ingen"))] + choices[1:]
    return render_template(
        "accounts/profile.html", confirm=ConfirmForm(), absences=absence.planned(current_user),
        absence_form=absence_form, deputy_form=deputy_form,
        standing_in=absence.standing_in_for(current_user, roles=tuple(Role)),
    ), status


@bp.route("/profil/franvaro", methods=["POST"])
@login_required
def record_absence():
    """A period away and who stands in (accounts/absence.py)."""
    form = AbsenceForm()
    if form.validate_on_submit():
        try:
            made = absence.record(current_user, form.to_input())
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            deputy = made.deputy or current_user.standing_deputy
            flash(_("Frånvaron %(start)s–%(end)s är registrerad. %(name)s får dina meddelanden "
                    "under tiden.", start=made.starts_on.isoformat(), end=made.ends_on.isoformat(),
                    name=deputy.full_name or deputy.username), "success")
            return redirect(url_for("accounts.profile") + "#franvaro")
    return _profile(absence_form=form, status=422)


@bp.route("/profil/franvaro/<int:absence_id>/ta-bort", methods=["POST"])
@login_required
def remove_absence(absence_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not absence.remove(current_user, absence_id):
        abort(404)
    flash(_("Frånvaron är borttagen."), "success")
    return redirect(url_for("accounts.profile") + "#franvaro")


@bp.route("/profil/ersattare", methods=["POST"])
@login_required
def standing_deputy():
    form = StandingDeputyForm()
    if form.validate_on_submit():
        try:
            deputy = absence.set_standing_deputy(current_user, form.deputy.data or None)
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(_("%(name)s är din stående ersättare.", name=deputy.full_name or deputy.username)
                  if deputy else _("Du har ingen stående ersättare."), "success")
            return redirect(url_for("accounts.profile") + "#franvaro")
    return _profile(deputy_form=form, status=422)


@bp.route("/profil/losenord", methods=["GET", "POST"])
@login_required
def change_own_password():
    """A new password; required before anything else after an administrator set a
    temporary one (accounts/security.py)."""
    form, status = PasswordChangeForm(), 200
    if current_user.is_integration or not current_user.password_hash:
        abort(404)
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current.data, form.new.data, form.repeat.data, now_utc())
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
            status = 422
        else:
            start_session(current_user)  # every other session ended; this one goes on
            flash(_("Ditt lösenord är bytt."), "success")
            return redirect(url_for("cases.start"))
    elif form.is_submitted():
        status = 422
    return render_template("accounts/password.html", form=form), status


@bp.route("/profil/logga-ut-overallt", methods=["POST"])
@login_required
def log_out_all():
    """Every session of this person ends, this one too, and every token of theirs stops
    working: after a lost phone, a shared computer, a token that may have leaked."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    log_out_everywhere(current_user, now_utc())
    end_session()
    flash(_("Du är utloggad överallt, och dina token är återkallade."), "info")
    return redirect(url_for("accounts.login"))


# -- role grants: the second person's page (accounts/grants.py) -----------------------------

def _approvers_only():
    if current_user.is_integration or not current_user.has_role(*OVERSEERS):
        abort(403)


@bp.route("/behorigheter")
@login_required
def role_grants():
    _approvers_only()
    return _grants_page()


def _grants_page(refusal: str | None = None, status: int = 200):
    return render_template("accounts/grants.html", items=grants.pending_for(current_user),
                           decided=grants.decided_for(current_user), confirm=ConfirmForm(),
                           refusal=refusal), status


@bp.route("/behorigheter/<int:grant_id>/godkann", methods=["POST"])
@login_required
def approve_grant(grant_id: int):
    return _decide(grant_id, grants.approve, _("Behörigheten är godkänd och gäller nu."))


@bp.route("/behorigheter/<int:grant_id>/avsla", methods=["POST"])
@login_required
def reject_grant(grant_id: int):
    return _decide(grant_id, grants.reject, _("Begäran är avslagen."))


def _decide(grant_id: int, decide, done: str):
    _approvers_only()
    grant = grants.get_for(current_user, grant_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        decide(grant, current_user, now_utc())
    except DomainError as exc:
        return _grants_page(refusal=exc.message, status=exc.status)
    flash(done, "success")
    return redirect(url_for("accounts.role_grants"))
