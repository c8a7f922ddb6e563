"""Login throttling (Flask-Limiter): guessing is slow, and nobody can lock anyone out.

Only a FAILED attempt (401) is counted, so a user who logs in correctly never uses up
anyone's allowance.

- Per address, and per account from one address: past LOGIN_FAILURE_LIMIT, that address
  gets 429 (even with the right password, which would otherwise leak which guess was
  right).
- Per account, from any address: never a 429, so nobody can lock a chosen colleague out
  by guessing wrong on purpose. Instead every answer for that account waits a little
  (`delay_for`): nothing for the first few failures, then doubling up to MAX_DELAY, the
  same wait whether the password is right or not, so the account's owner still gets in.

Counters live in Redis when `RATELIMIT_STORAGE_URI` points there, so all web processes
share them; if Redis is down, Flask-Limiter falls back to counting in memory rather than
letting guesses through uncounted or refusing everyone. The client address is the
request's, after the trusted proxies (TRUSTED_PROXIES, factory.register_proxies).
"""
import hashlib
import logging
import time

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse

log = logging.getLogger("avvikelse.security")


#: endpoints that take a password
PASSWORD_ENDPOINTS = ("accounts.login", "api.issue_api_token", "accounts.reauthenticate")
#: failures against one account (from anywhere, in the limit's window) answered at once
FREE_FAILURES = 3
#: the longest an answer for an account under attack waits, in seconds
MAX_DELAY = 2.0
#: how the wait is taken (tests replace it to see the delay without waiting)
sleep = time.sleep


def delay_for(failures: int) -> float:
    """Seconds to wait before answering a login to an account that failed `failures`
    times lately: 0, then 0.25, 0.5, 1, at most MAX_DELAY."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(MAX_DELAY, 0.25 * 2 ** min(failures - FREE_FAILURES, 8))


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


def account_key(username: str | None = None) -> str:
    # A digest, so the counter store never holds what someone typed as a username.
    name = _submitted_username() if username is None else username.casefold()[:80]
    return "account:" + hashlib.sha256(name.encode()).hexdigest()[:32]


def address_key() -> str:
    return "address:" + (get_remote_address() or "unknown")


def account_address_key() -> str:
    return account_key() + "|" + address_key()


def _failed(response) -> bool:
    return response.status_code == 401


def init_throttle(app: Flask) -> None:
    # One limiter per app (not a module global): each app has its own storage.
    limiter = Limiter(get_remote_address, app=app, in_memory_fallback_enabled=True,
                      headers_enabled=False, storage_uri=app.config["RATELIMIT_STORAGE_URI"])
    app.extensions["avvikelse.limiter"] = limiter
    # Its hooks run on every request; only these endpoints carry its limits. Said first,
    # the limiter stops there instead of resolving the limits of every page (a filing's
    # two requests paid for that).
    limiter.request_filter(lambda: request.endpoint not in PASSWORD_ENDPOINTS)
    limit = app.config["LOGIN_FAILURE_LIMIT"]
    for endpoint in PASSWORD_ENDPOINTS:
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        for key_func, scope in ((account_address_key, "login-account-address"),
                                (address_key, "login-address")):
            view = limiter.limit(limit, key_func=key_func, scope=scope, methods=["POST"],
                                 deduct_when=_failed)(view)
        app.view_functions[endpoint] = view

    # The account's failures from every address: counted in the same window, never a limit.
    window = parse(limit)
    counter = type(window)(10**9, window.multiples, namespace="LOGIN-ACCOUNT-FAILURES")
    app.extensions["avvikelse.login_failures"] = counter

    def account_failures() -> int:
        try:
            stats = limiter.limiter.get_window_stats(counter, account_key())
        except Exception as exc:  # a store that is down slows nobody; the limits still count
            log.warning("login slow-down skipped: counter store unavailable (%s)", type(exc).__name__)
            return 0
        return counter.amount - stats.remaining

    @app.before_request
    def slow_down_an_account_under_attack():
        if request.endpoint in PASSWORD_ENDPOINTS and request.method == "POST":
            delay = delay_for(account_failures())
            if delay:
                sleep(delay)

    @app.after_request
    def log_failed_login(response):
        """Who failed where, for the security log; never the password or the name typed."""
        if request.endpoint in PASSWORD_ENDPOINTS and response.status_code in (401, 429):
            if response.status_code == 401:
                try:
                    limiter.limiter.hit(counter, account_key())
                except Exception as exc:
                    log.warning("login failure not counted: counter store unavailable (%s)",
                                type(exc).__name__)
            log.warning(
                "login %s: account=%s address=%s endpoint=%s",
                "failed" if response.status_code == 401 else "throttled",
                account_key().removeprefix("account:")[:12],
                get_remote_address(),
                request.endpoint,
            )
        return response


def account_failures_of(app: Flask, username: str) -> int:
    """The account's failed logins lately, from every address (what slows its answers)."""
    limiter, counter = app.extensions["avvikelse.limiter"], app.extensions["avvikelse.login_failures"]
    try:
        stats = limiter.limiter.get_window_stats(counter, account_key(username))
    except Exception:
        return 0
    return counter.amount - stats.remaining


def unlock(app: Flask, username: str) -> bool:
    """An administrator's "unlock": the account's failures are forgotten, so its logins are
    no longer slowed. (One address's own limit ends with its window, as always.) False
    when the counter store could not be reached."""
    limiter, counter = app.extensions["avvikelse.limiter"], app.extensions["avvikelse.login_failures"]
    try:
        limiter.limiter.clear(counter, account_key(username))
    except Exception as exc:
        log.warning("login failures not cleared: counter store unavailable (%s)", type(exc).__name__)
        return False
    return True
