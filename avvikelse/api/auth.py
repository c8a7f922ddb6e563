"""Bearer tokens: `POST /auth/token` issues one; every other endpoint requires one."""
from datetime import timedelta

from flask import current_app, g, jsonify, request

from avvikelse.accounts import assurance
from avvikelse.accounts.services import authenticate
from avvikelse.api.adapter import json_body
from avvikelse.api.errors import error_response, fail, invalid
from avvikelse.core.clock import iso
from avvikelse.core.clock import now_utc
from avvikelse.accounts.tokens import issue_token, resolve

PUBLIC_ENDPOINTS = {"api.issue_api_token", "api.openapi_document"}
#: far longer than any token we issue; longer values are not worth hashing
MAX_TOKEN_LENGTH = 256


def unauthorized(message: str, error: str | None = None):
    # RFC 6750: a 401 names the scheme, and says "invalid_token" when one was sent.
    challenge = 'Bearer realm="avvikelse"' + (f', error="{error}"' if error else "")
    return error_response(401, message, {"WWW-Authenticate": challenge})


def require_token():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return unauthorized("Ange en åtkomsttoken: Authorization: Bearer <token>.")
    token = resolve(secret, now_utc()) if len(secret) <= MAX_TOKEN_LENGTH else None
    if token is None:
        return unauthorized("Token är ogiltig, har gått ut eller tillhör ett inaktivt konto.",
                            "invalid_token")
    g.api_user, g.api_token = token.user, token
    return None


def issue_api_token():
    body = json_body()
    username, password = body.get("username"), body.get("password")
    errors = {name: ["Ange som text."] for name, value in
              (("username", username), ("password", password)) if not isinstance(value, str)}
    if errors:
        invalid(errors)
    user = authenticate(username, password)
    if user is not None and assurance.password_refused(user):
        user = None  # strong authentication required: answered as a wrong password
    if user is None:
        if assurance.accepted_acrs():
            return unauthorized("Fel användarnamn eller lösenord, eller så kräver kontot inloggning "
                                "med e-tjänstekort: skapa då en token på sidan API-token.")
        return unauthorized("Fel användarnamn eller lösenord.")
    if user.password_must_change:
        return unauthorized("Lösenordet är tillfälligt: logga in på webbsidan och byt det först.")
    hours, now = current_app.config["API_TOKEN_HOURS"], now_utc()
    token = issue_token(user, now, hours, name="api")
    return jsonify(token=token, token_type="Bearer", expires_at=iso(now + timedelta(hours=hours)))


def national_fence():
    """A token of a national role opens only that role's endpoints (accounts.guard)."""
    from avvikelse.accounts import guard

    user = getattr(g, "api_user", None)
    role = guard.national_role(user) if user is not None else None
    if role is not None and not guard.allowed(role, request.endpoint):
        fail(403, "Din roll ger inte tillgång till detta.")
