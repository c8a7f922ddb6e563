"""The API's one error shape: `{error, message}`, plus `errors` by field for 422."""
from flask import Response, abort, jsonify

from avvikelse.core.error_pages import MESSAGES, respond
from avvikelse.core.errors import ValidationFailed

INVALID_MESSAGE = MESSAGES[422]


def error_response(status: int, message: str, headers: dict | None = None) -> Response:
    response, _ = respond(status, message)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def fail(status: int, message: str, headers: dict | None = None):
    """Stop the request with a JSON error."""
    abort(error_response(status, message, headers))


def invalid(errors: dict[str, list[str]]):
    raise ValidationFailed(errors)


def validation_failed(exc: ValidationFailed):
    return jsonify(error="invalid", message=INVALID_MESSAGE, errors=exc.errors), 422


def no_store(response: Response) -> Response:
    # Case data must not linger in shared caches or proxies.
    response.headers["Cache-Control"] = "no-store"
    return response
