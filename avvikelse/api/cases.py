"""Cases: file, list, read, act on (one, or many at once), and write messages on."""
from dataclasses import asdict

from flask import current_app, g, request, url_for

from avvikelse.api import serialize
from avvikelse.api.adapter import json_body, validate
from avvikelse.api.errors import invalid
from avvikelse.cases import bulk, services
from avvikelse.cases.forms import ACTION_FORMS, BulkForm, CaseForm, MessageForm
from avvikelse.cases.policy import get_case_for
from avvikelse.cases.transitions import Action
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.search import filters, queries

#: the free-text field each action form names; a client may send either name
TEXT_ALIASES = ("note", "reason")


def file_case():
    form = validate(CaseForm, json_body())
    case, filed = services.file_once(g.api_user, form.to_input(), now_utc())
    location = url_for(".get_case", reference=case.reference)
    if not filed:
        # A submission key sent again answers with the case it filed: 200, not a second
        # 201, and through the policy and its access log, like any read of the case.
        case = get_case_for(g.api_user, case.reference)
    # A case filed here is answered from what the filing holds in memory; its filing is
    # no read of it, so no access is logged (as for any creation).
    return (serialize.case_detail(case, g.api_user, just_filed=filed), 201 if filed else 200,
            {"Location": location})


def list_cases():
    """A box, or a search over everything the caller may see (search/filters.py names the
    parameters). Like the boxes, a search is a list: summaries without free text, and no
    access-log rows."""
    now = now_utc()
    search, limit = _list_args(now)
    page = queries.cases(g.api_user, search, now, cursor=request.args.get("cursor"), limit=limit)
    return {"items": [serialize.summary(c) for c in page.items], "next": page.next}


def _list_args(now) -> tuple[filters.Search, int]:
    errors: dict[str, list[str]] = {}
    args = request.args
    searching = any(args.get(name) for name in filters.PARAMETERS if name != "box")
    if not args.get("box") and not searching:
        errors["box"] = ["Ange box=incoming (inkorg), outgoing (skickade) eller all (allt du får se), "
                         "eller sök med q."]
    limit = _limit(args.get("limit"), errors)
    search = None
    try:
        search = filters.parse(args, filters.Context(g.api_user, now))
    except ValidationFailed as exc:
        errors |= exc.errors
    if errors:
        invalid(errors)
    return search, limit


def _limit(raw: str | None, errors: dict) -> int:
    most = current_app.config["API_PAGE_SIZE_MAX"]
    if raw is None:
        return min(current_app.config["PAGE_SIZE"], most)
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= most):
        errors["limit"] = [f"Ange ett heltal 1–{most}."]
        return 0
    return int(raw)


def get_case(reference: str):
    return serialize.case_detail(get_case_for(g.api_user, reference), g.api_user)


def act(reference: str):
    body = json_body()
    case = get_case_for(g.api_user, reference)
    action = _action(body.get("action"))
    form_class = ACTION_FORMS[action.value]
    form = validate(form_class, _with_text_alias(body, form_class))
    services.perform(g.api_user, case, action, form.to_input(), now_utc())
    return serialize.case_detail(case, g.api_user)


def bulk_actions():
    """acknowledge, assign or forward many cases: each done or refused on its own."""
    form = validate(BulkForm, json_body())
    outcomes = bulk.perform_bulk(g.api_user, Action(form.action.data), form.chosen,
                                 form.to_input(), now_utc())
    return {"results": [asdict(o) for o in outcomes]}


def _action(name) -> Action:
    # `route` is the system's own step, never a caller's.
    if not isinstance(name, str) or name not in ACTION_FORMS:
        invalid({"action": [f"Okänd åtgärd. Välj bland: {', '.join(ACTION_FORMS)}."]})
    return Action(name)


def _with_text_alias(body: dict, form_class) -> dict:
    """Forms call the free text `note` or `reason` by action; accept either."""
    wanted = next((n for n in TEXT_ALIASES if hasattr(form_class, n)), None)
    if wanted is None or body.get(wanted) is not None:
        return body
    other = next((body[n] for n in TEXT_ALIASES if n != wanted and body.get(n) is not None), None)
    return body if other is None else body | {wanted: other}


def post_message(reference: str):
    body = json_body()
    case = get_case_for(g.api_user, reference)
    form = validate(MessageForm, body)
    msg = services.add_message(g.api_user, case, form.body.data, now_utc())
    return serialize.message(msg), 201
