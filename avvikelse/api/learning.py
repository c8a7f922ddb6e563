"""Learning together in the API: joint investigations, measures, linked cases, learning
summaries. Each request is validated by the pages' forms (adapter.py) and refused with a
precise Swedish 4xx; reads go through the same policies, and are logged the same way.

- `POST /investigations` `{cases, joint, participants, title}` → 201; `GET /investigations`,
  `GET /investigations/<id>`; `POST /investigations/<id>/participants` `{participants}`
  (each side's overseer names people of their own organisation).
- `POST /cases/<reference>/measures`, `POST /investigations/<id>/measures`
  `{text, owner, owner_organisation, owner_user, due_on, effect_due_on}` → 201, planned;
  `POST /measures/<id>` `{status, note, due_on, effect_due_on, effect_checked_on, effect,
  patient_informed_on}`; `GET /measures?status=…` (the caller's organisation's),
  `GET /measures/<id>`.
- `POST /cases/<reference>/links` `{reference, kind}` → 201.
- `POST /learning` `{text, cases}` → 201, pending; `GET /learning?q=…` (approved);
  `POST /learning/<id>/approve`.
"""
from flask import g, request, url_for

from avvikelse.accounts.models import CASE_WORKERS
from avvikelse.api import serialize
from avvikelse.api.adapter import json_body, validate
from avvikelse.api.errors import fail, invalid
from avvikelse.cases import links
from avvikelse.cases.forms import LinkForm
from avvikelse.cases.policy import get_case_for, log_reads
from avvikelse.core import workdays
from avvikelse.core.clock import now_utc
from avvikelse.learning import investigations, measures, summaries
from avvikelse.learning import forms as learning_forms

INVESTIGATION_STATUSES = ("running", "finished")


def open_investigation():
    form = validate(learning_forms.InvestigationForm, json_body())
    inv = investigations.open_investigation(g.api_user, form.to_input(), now_utc())
    return (serialize.investigation(inv, g.api_user), 201,
            {"Location": url_for(".get_investigation", investigation_id=inv.id)})


def list_investigations():
    status = request.args.get("status") or None
    if status is not None and status not in INVESTIGATION_STATUSES:
        invalid({"status": ["Ange status=running (pågående) eller status=finished (avslutade)."]})
    items = investigations.visible_to(g.api_user, status)
    return {"items": [serialize.investigation_summary(inv) for inv in items]}


def get_investigation(investigation_id: int):
    inv = investigations.get_for(g.api_user, investigation_id)
    return serialize.investigation(inv, g.api_user)


def add_participants(investigation_id: int):
    body = json_body()
    inv = investigations.get_for(g.api_user, investigation_id)
    form = validate(learning_forms.ParticipantsForm, body)
    investigations.add_participants(g.api_user, inv, form.names(), now_utc())
    return serialize.investigation(inv, g.api_user)


def add_investigation_measure(investigation_id: int):
    body = json_body()
    inv = investigations.get_for(g.api_user, investigation_id)
    form = validate(learning_forms.MeasureForm, body)
    measure = measures.add_to_investigation(g.api_user, inv, form.to_input(), now_utc())
    return (serialize.measure(measure, g.api_user), 201,
            {"Location": url_for(".get_measure", measure_id=measure.id)})


def add_case_measure(reference: str):
    body = json_body()
    case = get_case_for(g.api_user, reference)
    form = validate(learning_forms.MeasureForm, body)
    measure = measures.add_to_case(g.api_user, case, form.to_input(), now_utc())
    return (serialize.measure(measure, g.api_user), 201,
            {"Location": url_for(".get_measure", measure_id=measure.id)})


def update_measure(measure_id: int):
    body = json_body()
    measure = measures.get_for(g.api_user, measure_id)
    form = validate(learning_forms.MeasureUpdateForm, body)
    measures.update(g.api_user, measure, form.to_input(), now_utc())
    return serialize.measure(measure, g.api_user)


def get_measure(measure_id: int):
    measure = measures.get_for(g.api_user, measure_id)
    log_reads(g.api_user, [measure.case])  # what people wrote about the case
    return serialize.measure(measure, g.api_user)


def list_measures():
    if not g.api_user.has_role(*CASE_WORKERS):
        fail(403, "Åtgärdslistan är för organisationens handläggare, MAS, SAS och chefsläkare.")
    status = request.args.get("status") or None
    if status is not None and status not in measures.LIST_STATUSES:
        invalid({"status": [f"Välj bland: {', '.join(measures.LIST_STATUSES)}."]})
    items = measures.of_organisation(g.api_user.organisation_id, status, workdays.local_date(now_utc()))
    log_reads(g.api_user, measures.visible_cases(items))
    return {"items": [serialize.measure(m, g.api_user) for m in items]}


def link_case(reference: str):
    body = json_body()
    case = get_case_for(g.api_user, reference)
    form = validate(LinkForm, body)
    links.link(g.api_user, case, form.reference.data, form.kind.data, now_utc())
    return {"links": [serialize.link(row) for row in links.links_for(g.api_user, case)]}, 201


def create_summary():
    form = validate(learning_forms.SummaryForm, json_body())
    summary = summaries.create(g.api_user, form.text.data, form.references(), now_utc())
    return serialize.summary_json(summary), 201


def list_summaries():
    query = (request.args.get("q") or "").strip()
    if len(query) > 200:
        invalid({"q": ["Högst 200 tecken."]})
    found = summaries.published(query, counties=summaries.county_of(g.api_user))
    return {"items": [summaries.shown(s) for s in found]}


def approve_summary(summary_id: int):
    summary = summaries.get_for(g.api_user, summary_id)
    summaries.approve(g.api_user, summary, now_utc())
    return serialize.summary_json(summary)
