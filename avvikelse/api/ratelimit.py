"""Rate limits on the API: per token and per address.

The limiter runs before the blueprint's token check, so it keys on a digest of the bearer
secret itself (the same digest the token table holds; never the secret). Storage is
RATELIMIT_STORAGE_URI (Redis in production); if that store is unreachable, limits are
kept in memory instead of failing requests. A breach is a 429 in the API's JSON error
shape (core.error_pages), with Retry-After. Failed password log-ins are throttled
separately (accounts/throttle.py).

This limiter only limits what is decorated here: it never applies defaults to the rest of
the app, whatever RATELIMIT_* defaults another part of the app configures.
"""
from flask import Flask, current_app, request
from flask_limiter import Limiter

from avvikelse.api import auth
from avvikelse.accounts.tokens import digest

UNLIMITED = "1000000 per second"


def token_key() -> str:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() == "bearer" and secret and len(secret) <= auth.MAX_TOKEN_LENGTH:
        return "token:" + digest(secret)[:32]
    return "address:" + address_key()


def address_key() -> str:
    return request.remote_addr or "unknown"


def _configured(name: str):
    def provider() -> str:
        return current_app.config.get(name) or UNLIMITED

    return provider


def _off(name: str):
    return lambda: not current_app.config.get(name)


def init_app(app: Flask) -> None:
    """One limiter per app (each app its own storage), limiting only the API blueprint."""
    for name, default in (("API_RATE_LIMIT", "300 per minute"),
                          ("API_ADDRESS_RATE_LIMIT", "1200 per minute")):
        app.config.setdefault(name, default)
    limiter = Limiter(
        token_key,
        app=app,
        headers_enabled=True,
        in_memory_fallback_enabled=True,
        storage_uri=app.config.get("RATELIMIT_STORAGE_URI", "memory://"),
        default_limits_exempt_when=lambda: True,
        application_limits_exempt_when=lambda: True,
        key_prefix="api",
    )
    app.extensions["avvikelse.api_limiter"] = limiter
    # Its hooks run on every request of the app; only the API's are limited (see above).
    limiter.request_filter(lambda: request.blueprint != "api")
    api = app.blueprints["api"]
    limiter.limit(_configured("API_RATE_LIMIT"), exempt_when=_off("API_RATE_LIMIT"))(api)
    limiter.limit(_configured("API_ADDRESS_RATE_LIMIT"), key_func=address_key,
                  exempt_when=_off("API_ADDRESS_RATE_LIMIT"), scope="address")(api)
