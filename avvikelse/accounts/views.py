"""Logging in and out of the web pages; approving role grants (MAS, chefsläkare)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from avvikelse.accounts import assurance, grants
from avvikelse.accounts.forms import ConfirmForm, LoginForm, ReauthForm
from avvikelse.accounts.models import OVERSEERS
from avvikelse.accounts.services import authenticate, log_out_everywhere
from avvikelse.accounts.sessions import end_session, start_session
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import DomainError
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
    return render_template("accounts/profile.html", confirm=ConfirmForm())


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
