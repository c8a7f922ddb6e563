"""JSON API /api/v1: a thin adapter over the services, for other systems and our tests.

Every endpoint but `POST /auth/token` needs a bearer token (see auth.py): the check is
a before_request on this blueprint, so a new route is protected without remembering to.
"""
from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from avvikelse.api import auth, cases, directory, errors  # noqa: E402,F401  (routes register on bp)
from avvikelse.api import docs, fhir, idempotency, tokens  # noqa: E402,F401
