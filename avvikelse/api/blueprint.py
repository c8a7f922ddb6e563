"""The API's URL map: every route of /api/v1 and the hooks around them, in one table.

Endpoint names are the view functions' names (`api.file_case`): the OpenAPI document
(operations.py) and the rate limits (ratelimit.py) refer to them.
"""
from flask import Blueprint

from avvikelse.api import (attachments, auth, cases, directory, docs, errors, escalations, fhir,
                           figures, forum, idempotency, learning, me, national, tokens)
from avvikelse.core.errors import ValidationFailed

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Before a view, in this order: the bearer token, the national roles' fence, then a
# replayed Idempotency-Key.
bp.before_request(auth.require_token)
bp.before_request(auth.national_fence)
bp.before_request(idempotency.replay_or_reserve)
# After it (Flask runs these last-registered first): the Idempotency-Key's response is
# kept, then no response of the API is cached.
bp.after_request(errors.no_store)
bp.after_request(idempotency.remember)
bp.register_error_handler(ValidationFailed, errors.validation_failed)

ROUTES = [
    ("POST", "/auth/token", auth.issue_api_token),
    ("GET", "/openapi.json", docs.openapi_document),
    ("GET", "/tokens", tokens.list_tokens),
    ("POST", "/tokens", tokens.create_token),
    ("DELETE", "/tokens/<int:token_id>", tokens.revoke_token),
    ("GET", "/directory", directory.directory),
    ("POST", "/cases", cases.file_case),
    ("GET", "/cases", cases.list_cases),
    ("POST", "/cases/bulk-actions", cases.bulk_actions),
    ("GET", "/cases/<reference>", cases.get_case),
    ("POST", "/cases/<reference>/actions", cases.act),
    ("POST", "/cases/<reference>/messages", cases.post_message),
    ("GET", "/cases/<reference>/fhir", fhir.case_fhir),
    # attachments (multipart in, bytes out)
    ("POST", "/cases/<reference>/attachments", attachments.upload_attachment),
    ("GET", "/cases/<reference>/attachments", attachments.list_attachments),
    ("GET", "/cases/<reference>/attachments/<int:attachment_id>", attachments.get_attachment),
    # the caller's absences and standing deputy
    ("GET", "/me/absence", me.get_absence),
    ("PUT", "/me/absence", me.put_absence),
    ("PUT", "/me/deputy", me.put_deputy),
    ("POST", "/cases/<reference>/links", learning.link_case),
    ("POST", "/cases/<reference>/measures", learning.add_case_measure),
    # joint investigations, measures followed to the end, learning summaries
    ("POST", "/investigations", learning.open_investigation),
    ("GET", "/investigations", learning.list_investigations),
    ("GET", "/investigations/<int:investigation_id>", learning.get_investigation),
    ("POST", "/investigations/<int:investigation_id>/participants", learning.add_participants),
    ("POST", "/investigations/<int:investigation_id>/measures", learning.add_investigation_measure),
    ("GET", "/measures", learning.list_measures),
    ("GET", "/measures/<int:measure_id>", learning.get_measure),
    ("POST", "/measures/<int:measure_id>", learning.update_measure),
    ("POST", "/learning", learning.create_summary),
    ("GET", "/learning", learning.list_summaries),
    ("POST", "/learning/<int:summary_id>/approve", learning.approve_summary),
    ("GET", "/escalations", escalations.list_escalations),
    ("POST", "/escalations/<int:escalation_id>/actions", escalations.act_on_escalation),
    ("GET", "/figures", figures.own_figures),
    ("GET", "/forum/summary", forum.forum_summary),
    ("GET", "/forum/snapshots", forum.forum_snapshots),
    ("GET", "/forum/snapshots/<int:snapshot_id>", forum.forum_snapshot),
    ("GET", "/forum/disputes", forum.forum_disputes),
    ("POST", "/forum/disputes/<reference>", forum.settle_dispute),
    ("GET", "/national/summary", national.national_summary),
]

for method, rule, view in ROUTES:
    bp.add_url_rule(rule, view_func=view, methods=[method])
