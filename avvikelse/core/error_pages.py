"""Error pages and JSON errors: a Swedish message, a correlation id, never a trace."""
import logging
import uuid

from flask import Flask, current_app, jsonify, make_response, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from avvikelse.core.errors import DomainError
from avvikelse.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: "Begäran kunde inte tolkas.",
    401: "Du behöver logga in.",
    403: "Du saknar behörighet.",
    404: "Sidan eller ärendet finns inte, eller så saknar du behörighet att se det.",
    405: "Metoden stöds inte här.",
    409: "Åtgärden går inte att utföra just nu.",
    413: "Det du skickade är för stort.",
    415: "Fel innehållstyp.",
    422: "Uppgifterna är inte giltiga.",
    429: "För många försök. Vänta en stund och försök igen.",
    500: "Något gick fel hos oss. Försök igen om en stund.",
    503: "Tjänsten är tillfälligt otillgänglig. Försök igen om en stund.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def respond(status: int, message: str | None = None, correlation: str | None = None):
    message = message or MESSAGES.get(status, MESSAGES[500])
    if wants_json():
        body = {"error": _error_code(status), "message": message}
        if correlation:
            body["correlation_id"] = correlation
        return jsonify(body), status
    return render_template("error.html", status=status, message=message, correlation=correlation), status


def _error_code(status: int) -> str:
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 409: "conflict", 413: "too_large",
            415: "unsupported_media_type", 422: "invalid", 429: "too_many_requests",
            503: "unavailable"}.get(status, "server_error")


def database_unavailable(exc):
    """A database that restarts or is unreachable: a clean 503, nothing half-written
    (the transaction is rolled back), and the client may try again."""
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool will replace it
        db.session.close()
    log.warning("database unavailable on %s %s: %s", request.method, request.path,
                type(getattr(exc, "orig", exc)).__name__)
    if wants_json():
        response = make_response(respond(503))
    else:
        # Straight from the Jinja environment: render_template's context processors
        # would load the signed-in user, which needs the database that is down.
        page = current_app.jinja_env.get_template("error_unavailable.html")
        response = make_response(page.render(message=MESSAGES[503]), 503)
    response.headers["Retry-After"] = "5"
    return response


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return respond(exc.status, exc.message)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        message = MESSAGES.get(exc.code) if exc.code != 400 or not exc.description else None
        if exc.code == 400 and "CSRF" in (exc.description or ""):
            message = "Formuläret hade gått ut. Ladda om sidan och försök igen."
        response = app.make_response(respond(exc.code or 500, message))
        if exc.code == 405 and getattr(exc, "valid_methods", None):
            response.headers["Allow"] = ", ".join(exc.valid_methods)  # RFC 9110: a 405 says what is
        return response

    app.register_error_handler(OperationalError, database_unavailable)
    app.register_error_handler(InterfaceError, database_unavailable)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        db.session.rollback()
        correlation = uuid.uuid4().hex[:12]
        # The type and id only: an exception's text can carry what a user typed.
        log.error("unhandled %s [%s] on %s %s", type(exc).__name__, correlation,
                  request.method, request.path, exc_info=app.debug)
        return respond(500, correlation=correlation)
