"""Login throttling: FAILED attempts per account and per address (Flask-Limiter).

Only a failed attempt (401) is counted, so a user who logs in correctly never uses up
anyone's allowance; once the limit is reached even a correct password waits (429),
otherwise the limit would leak which guess was right. Counters live in Redis when
`RATELIMIT_STORAGE_URI` points there, so all web processes share them; if Redis is
down, Flask-Limiter falls back to counting in memory rather than letting guesses through
uncounted or refusing everyone.
"""
import hashlib
import logging

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

log = logging.getLogger("avvikelse.security")


#: endpoints that take a password
PASSWORD_ENDPOINTS = ("accounts.login", "api.issue_api_token", "accounts.reauthenticate")


def _submitted_username() -> str:
    if request.endpoint == "accounts.reauthenticate":  # signing in again: who is signed in
        from flask_login import current_user

        return current_user.username.casefold() if current_user.is_authenticated else ""
    if request.is_json:
        body = request.get_json(silent=True)
        value = body.get("username") if isinstance(body, dict) else None
    else:
        value = request.form.get("username")
    return value.strip().casefold()[:80] if isinstance(value, str) else ""


def account_key() -> str:
    # A digest, so the counter store never holds what someone typed as a username.
    return "account:" + hashlib.sha256(_submitted_username().encode()).hexdigest()[:32]


def address_key() -> str:
    return "address:" + (get_remote_address() or "unknown")


def _failed(response) -> bool:
    return response.status_code == 401


def init_throttle(app: Flask) -> None:
    # One limiter per app (not a module global): each app has its own storage.
    limiter = Limiter(get_remote_address, app=app, in_memory_fallback_enabled=True,
                      headers_enabled=False, storage_uri=app.config["RATELIMIT_STORAGE_URI"])
    app.extensions["avvikelse.limiter"] = limiter
    limit = app.config["LOGIN_FAILURE_LIMIT"]
    for endpoint in PASSWORD_ENDPOINTS:
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        for key_func, scope in ((account_key, "login-account"), (address_key, "login-address")):
            view = limiter.limit(limit, key_func=key_func, scope=scope, methods=["POST"],
                                 deduct_when=_failed)(view)
        app.view_functions[endpoint] = view

    @app.after_request
    def log_failed_login(response):
        """Who failed where, for the security log; never the password or the name typed."""
        if request.endpoint in PASSWORD_ENDPOINTS and response.status_code in (401, 429):
            log.warning(
                "login %s: account=%s address=%s endpoint=%s",
                "failed" if response.status_code == 401 else "throttled",
                account_key().removeprefix("account:")[:12],
                get_remote_address(),
                request.endpoint,
            )
        return response
