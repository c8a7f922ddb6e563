"""Logging in and out of the web pages."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from avvikelse.accounts.forms import LoginForm
from avvikelse.accounts.services import authenticate

bp = Blueprint("accounts", __name__)


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: `next` must never send someone to another host."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return None
    return target


@bp.route("/logga-in", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.start"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("core.start"))
        # One message for both cases: whether a username exists is not told.
        form.form_errors.append(_("Fel användarnamn eller lösenord."))
        status = 401
    elif form.is_submitted():
        status = 422
    return render_template("accounts/login.html", form=form), status


@bp.route("/logga-ut", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("Du är utloggad."), "info")
    return redirect(url_for("accounts.login"))
