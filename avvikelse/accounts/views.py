"""Logging in and out of the web pages."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from avvikelse.accounts.forms import LoginForm
from avvikelse.accounts.services import authenticate
from avvikelse.accounts.sessions import end_session, start_session
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
        if user is not None:
            start_session(user)
            return redirect(safe_next(request.args.get("next")) or url_for("cases.start"))
        # One message for both cases: whether a username exists is not told.
        form.form_errors.append(_("Fel användarnamn eller lösenord."))
        status = 401
    elif form.is_submitted():
        status = 422
    return render_template("accounts/login.html", form=form, password_enabled=password_enabled,
                           sso=sso, next=safe_next(request.args.get("next"))), status


@bp.route("/logga-ut", methods=["POST"])
@login_required
def logout():
    end_session()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("accounts.login"))
