"""Wires the account protections into the app: sessions, throttling, SSO switch."""
from flask import Flask, abort, request

from avvikelse.accounts.sessions import init_sessions
from avvikelse.accounts.throttle import init_throttle


#: what a person with a temporary password may still reach
TEMPORARY_PASSWORD_ALLOWS = {"accounts.change_own_password", "accounts.logout", "static",
                             "language.switch", "core.accessibility", "health.healthz"}


def init_account_security(app: Flask) -> None:
    init_sessions(app)
    init_throttle(app)
    from avvikelse.accounts.oidc import init_oidc

    init_oidc(app)
    from avvikelse.accounts import guard

    guard.install(app)

    @app.before_request
    def strong_sessions_only():
        """A session of someone who must use strong authentication (a role that opens case
        content, STRONG_AUTH_ACR set) but signed in without it ends: e.g. begun by password
        before the setting or the role."""
        from flask_login import current_user

        from avvikelse.accounts import assurance
        from avvikelse.accounts.sessions import end_session

        if current_user.is_authenticated and not assurance.session_allowed(current_user):
            end_session()

    @app.before_request
    def temporary_password_first():
        """Signed in with a temporary password an administrator set: the new password comes
        before anything else (signing out and the language switch aside)."""
        from flask import redirect, url_for
        from flask_login import current_user

        if request.endpoint in TEMPORARY_PASSWORD_ALLOWS or request.blueprint == "api":
            return None
        if current_user.is_authenticated and current_user.password_must_change:
            return redirect(url_for("accounts.change_own_password"))
        return None

    @app.before_request
    def password_login_switch():
        # With password login off, API tokens cannot be had for a password either.
        if not app.config["PASSWORD_LOGIN_ENABLED"] and request.endpoint == "api.issue_api_token":
            abort(404)
