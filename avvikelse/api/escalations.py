"""Escalations in the API: the caller's inbox, and acknowledging, deciding, correcting.

`GET /escalations?status=open|decided` lists the escalations to the caller's
organisation in the roles the caller holds (MAS, chefsläkare, SAS), oldest first;
`decided` are those concluded (a concluded step, or a decision of no action).
`POST /escalations/<id>/actions` takes `{action: acknowledge}`, `{action: decide,
decision, step, reported_on, ivo_reference, reason}` (one more step; `step` defaults to
`concluded`) or `{action: correct, step_id, reason, …}`. Bearer auth is the blueprint's.
"""
from flask import g, request

from avvikelse.api.adapter import json_body, validate
from avvikelse.api.errors import invalid
from avvikelse.api.serialize import escalation_json
from avvikelse.cases.policy import log_reads
from avvikelse.core.clock import now_utc
from avvikelse.escalation import decisions, services
from avvikelse.escalation.forms import CorrectionForm, DecisionForm

STATUSES = ("open", "decided")
ACTIONS = ("acknowledge", "decide", "correct")


def list_escalations():
    status = request.args.get("status") or None
    if status is not None and status not in STATUSES:
        invalid({"status": ["Ange status=open (utan beslut) eller status=decided (med beslut)."]})
    items = services.inbox(g.api_user, status)
    # A decision's reason is free text from the case's record: each case whose reason
    # this list returns counts as one read (PDL), as GET /cases/<reference> does. The
    # rest is ids, codes and dates, like the case list, which logs nothing.
    disclosed = {e.case_id: e.case for e in items if e.reason}
    log_reads(g.api_user, disclosed.values())
    return {"items": [escalation_json(e, masked=True) for e in items]}


def act_on_escalation(escalation_id: int):
    body = json_body()
    esc = services.get_escalation_for(g.api_user, escalation_id)
    action = body.get("action")
    if action not in ACTIONS:
        invalid({"action": ["Okänd åtgärd. Välj acknowledge, decide eller correct."]})
    if action == "acknowledge":
        services.acknowledge(g.api_user, esc, now_utc())
    elif action == "decide":
        form = validate(DecisionForm, body)
        decisions.decide(g.api_user, esc, form.to_input(), now_utc())
    else:
        form = validate(CorrectionForm, body)
        decisions.correct(g.api_user, esc, form.step_id.data, form.to_input(), now_utc())
    return escalation_json(esc)
