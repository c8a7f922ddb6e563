"""Wires the account protections into the app: sessions, throttling, SSO switch."""
from flask import Flask, abort, request

from avvikelse.accounts.sessions import init_sessions
from avvikelse.accounts.throttle import init_throttle


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
    def password_login_switch():
        # With password login off, API tokens cannot be had for a password either.
        if not app.config["PASSWORD_LOGIN_ENABLED"] and request.endpoint == "api.issue_api_token":
            abort(404)
