"""Cases: file, list, read, act on (one, or many at once), and write messages on."""
from dataclasses import asdict

from flask import current_app, g, request, url_for

from avvikelse.api import serialize
from avvikelse.api.adapter import json_body, validate
from avvikelse.api.errors import invalid
from avvikelse.cases import bulk, services
from avvikelse.cases.enums import Status
from avvikelse.cases.forms import ACTION_FORMS, BulkForm, CaseForm, MessageForm
from avvikelse.cases.policy import get_case_for
from avvikelse.cases.queries import BOXES, box_page
from avvikelse.cases.transitions import Action
from avvikelse.core.clock import now_utc

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
    return serialize.case_detail(case, g.api_user), 201 if filed else 200, {"Location": location}


def list_cases():
    box, status, limit = _list_args()
    owner = _owner_arg()
    items, cursor = box_page(g.api_user, box, status=status, cursor=request.args.get("cursor"), limit=limit,
                             owner=owner)
    return {"items": [serialize.summary(c) for c in items], "next": cursor}


#: matches no owner: an unknown username lists nothing, like a known one who owns nothing
NOBODY = -1


def _owner_arg() -> int | None:
    """`owner=me` or a username: only the cases that person owns."""
    raw = request.args.get("owner")
    if raw is None or raw == "":
        return None
    if raw == "me":
        return g.api_user.id
    if len(raw) > 80 or not raw.isprintable():
        invalid({"owner": ["Ange owner=me eller ett användarnamn."]})
    from avvikelse.accounts.services import user_by_username

    user = user_by_username(raw)
    return user.id if user is not None else NOBODY


def _list_args() -> tuple[str, Status | None, int]:
    errors: dict[str, list[str]] = {}
    box = request.args.get("box", "")
    if box not in BOXES:
        errors["box"] = ["Ange box=incoming (inkorg) eller box=outgoing (skickade)."]
    status = request.args.get("status") or None
    if status is not None and status not in {s.value for s in Status}:
        errors["status"] = [f"Okänd status. Välj bland: {', '.join(s.value for s in Status)}."]
    limit = _limit(request.args.get("limit"), errors)
    if errors:
        invalid(errors)
    return box, Status(status) if status else None, limit


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
