"""Wires the account protections into the app: sessions, throttling, SSO switch."""
from flask import Flask, abort, request

from avvikelse.accounts.sessions import init_sessions
from avvikelse.accounts.throttle import init_throttle


def init_account_security(app: Flask) -> None:
    init_sessions(app)
    init_throttle(app)
    from avvikelse.accounts.oidc import init_oidc

    init_oidc(app)

    @app.before_request
    def password_login_switch():
        # With password login off, API tokens cannot be had for a password either.
        if not app.config["PASSWORD_LOGIN_ENABLED"] and request.endpoint == "api.issue_api_token":
            abort(404)
