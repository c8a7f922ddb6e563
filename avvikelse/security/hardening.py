"""Refuse what no honest client sends, before any view parses it.

- Production refuses to start with development secrets (a forged session or readable
  patient identifiers would follow).
- A body whose content type is not the one the endpoint takes is answered 415: the API
  takes JSON, pages take form posts.
- A path integer beyond a database integer is answered 404 before it reaches SQL, where
  PostgreSQL would raise (a 500) and SQLite would silently compare.
"""
import logging

from flask import Flask, abort, request

log = logging.getLogger("avvikelse.security")

DEV_SECRETS = {"", "dev-only-not-secret", "testing", "change-me", "secret"}
MIN_SECRET_LENGTH = 32
MAX_DB_INT = 2**31 - 1
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
JSON_TYPES = {"application/json"}
#: API endpoints that take a file (attachments): multipart, not JSON. The view checks the
#: type itself, after the case policy, so that a case one may not see is a 404 first.
API_MULTIPART_ENDPOINTS = {"api.upload_attachment"}
HSTS = "max-age=31536000; includeSubDomains"


class InsecureConfiguration(RuntimeError):
    """Raised at start-up; the message tells the operator what to set."""


def check_production_config(config) -> None:
    if not config.get("PRODUCTION"):
        return
    secret = config.get("SECRET_KEY") or ""
    if secret in DEV_SECRETS or len(secret) < MIN_SECRET_LENGTH:
        raise InsecureConfiguration(
            "SECRET_KEY is unset, a development value or shorter than "
            f"{MIN_SECRET_LENGTH} characters; set it, e.g. "
            "python -c \"import secrets; print(secrets.token_urlsafe(48))\""
        )
    if not (config.get("AVVIKELSE_ENCRYPTION_KEY") or "").strip():
        raise InsecureConfiguration(
            "AVVIKELSE_ENCRYPTION_KEY is not set: production never generates a key file; "
            "set it to a Fernet key (see README, Configuration)"
        )


def register(app: Flask) -> None:
    @app.before_request
    def refuse_wrong_content_type():
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        has_body = bool(request.content_length) or request.headers.get("Transfer-Encoding")
        if not has_body and not request.mimetype:
            return None  # an empty POST (a button) has nothing to parse
        api = request.path.startswith("/api/")
        if api and request.endpoint in API_MULTIPART_ENDPOINTS:
            return None
        if request.mimetype not in (JSON_TYPES if api else FORM_TYPES):
            from avvikelse.core.error_pages import respond

            return respond(415, "Skicka JSON med Content-Type: application/json." if api
                           else "Skicka formuläret som ett vanligt webbformulär.")
        return None

    @app.before_request
    def refuse_nul():
        """NUL has no place in any text, and PostgreSQL cannot even compare with it (a
        500 on a look-up by a reference with NUL in it)."""
        if _has_nul(request):
            from avvikelse.core.error_pages import respond

            return respond(400, "Begäran innehåller ogiltiga tecken.")
        return None

    @app.before_request
    def refuse_ids_out_of_range():
        for value in (request.view_args or {}).values():
            if isinstance(value, int) and not 0 < value <= MAX_DB_INT:
                abort(404)

    @app.after_request
    def log_refusals(response):
        # Case denials are in the access log (with the case); every 403 goes to the
        # security log too, with who and where — never what was posted.
        if response.status_code == 403:
            from flask_login import current_user

            log.warning("denied: user_id=%s endpoint=%s method=%s",
                        getattr(current_user, "id", None), request.endpoint, request.method)
        return response

    @app.after_request
    def strict_transport(response):
        if app.config.get("PRODUCTION"):
            response.headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def _has_nul(req) -> bool:
    """In the path or the query string, which go straight to look-ups. (Form and JSON
    fields get a field error from their validators: core/text.py refuses controls.)"""
    if "\x00" in req.path:
        return True
    return any("\x00" in key or "\x00" in value for key, value in req.args.items(multi=True))
