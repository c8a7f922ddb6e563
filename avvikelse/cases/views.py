"""Case pages: the start page, filing, the two boxes, the case itself. Actions are in
views_actions; blueprint.py maps the URLs."""
import re
import uuid

from flask import (abort, current_app, flash, get_flashed_messages, jsonify, make_response, redirect,
                   render_template, request, url_for)
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from avvikelse.cases import bulk, owners, web
from avvikelse.cases.enums import Kind, Status
from avvikelse.cases.forms import BulkForm, CaseForm
from avvikelse.cases.policy import get_case_for, log_reads
from avvikelse.cases.queries import SORTS, box_rows
from avvikelse.cases.services import file_once
from avvikelse.cases.transitions import Action
from avvikelse.core import marker
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.core.fields import apply_errors
from avvikelse.directory.services import active_unit_choices
from avvikelse.notifications.services import mark_read, unread

def start():
    return render_template(
        "start.html",
        incoming=web.count_open(current_user, "incoming"),
        outgoing=web.count_open(current_user, "outgoing"),
        mine=web.count_open(current_user, "incoming", owner=current_user.id)
        if web.may_own_cases(current_user) else None,
        notices=unread(current_user),
        count_cap=web.COUNT_CAP,
    )


def new():
    if request.method != "POST":
        return _blank_form()
    form = CaseForm()
    # "Visa enheter" (the form without its script): show the chosen organisation's
    # units, keeping everything typed; nothing is checked or filed.
    showing_units = "show_units" in request.form
    if not showing_units and form.validate_on_submit():
        try:
            case, filed = file_once(current_user, form.to_input(), now_utc())
        except ValidationFailed as exc:
            if "submission_key" in exc.errors:
                # Someone else's key (the form's hidden field was tampered with): a fresh
                # one, so that sending again works, and what was typed stays.
                form.submission_key.data = uuid.uuid4().hex
                exc.errors["submission_key"] = [_("Formuläret kunde inte skickas. Skicka det igen.")]
            apply_errors(form, exc.errors)
        else:
            where = url_for("cases.show", reference=case.reference)
            response = redirect(where)
            if filed:
                # The confirmation rides on a cookie for the case page alone, not a flash:
                # a flash wrote the session store twice a filing (set here, popped there).
                response.set_cookie(FILED_COOKIE, case.reference, max_age=FILED_COOKIE_SECONDS, path=where,
                                    secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True,
                                    samesite="Lax")
            return response
    status = 200 if showing_units else 422
    _token, _now, data, units = _form_inputs()
    return render_template(
        "cases/new.html", form_html=None,
        **_form_context(_filled(form, data), data, units, current_user.id),
        receiving_units=web.receiving_units(form.receiver_organisation.data, current_user.organisation_id),
    ), status


def _filled(form: CaseForm, data) -> CaseForm:
    form.patient_shared_basis.choices = data.legal_bases
    form.category.choices = data.categories
    return form


def _form_inputs() -> tuple:
    """The directory marker's token, now, and what the form shows under that token: the
    organisation's form data and the person's sender units (both kept, cases/web.py)."""
    token, now = marker.read(), now_utc()
    return token, now, web.form_data(current_user, now, token), web.kept_sender_units(current_user, token)


def _form_context(form: CaseForm, data, units: list, draft_owner) -> dict:
    """What cases/_new_form.html reads besides the receiving units."""
    return dict(form=form, data=data, organisation_groups=data.organisation_groups,
                sender_units=units, draft_owner=draft_owner,
                consequence_labels=data.consequence_labels, probability_labels=data.probability_labels)


def _blank_form():
    """The blank form: its HTML kept per process (web.kept_blank_form) for the directory
    marker's token, the organisation, the day, the language and the person's units; this
    request's CSRF token, submission key and id go into its marks. No form is built."""
    token, now, data, units = _form_inputs()

    def render(marks: dict) -> str:
        form = CaseForm(formdata=None)
        form.submission_key.data = marks["key"]
        if form.meta.csrf:
            form.csrf_token.current_token = marks["csrf"]
        return render_template("cases/_new_form.html", receiving_units=None,
                               **_form_context(_filled(form, data), data, units, marks["user"]))

    values = {"key": uuid.uuid4().hex, "user": str(current_user.id)}
    html = web.kept_blank_form(token, current_user, now, units, render, values)
    return render_template("cases/new.html", form_html=html), 200


def units():
    """`GET /enheter?organisation=CODE`: the organisation's active units as JSON
    ([{code, name}]), for the filing form's script."""
    code = request.args.get("organisation")
    if not code:
        return {"error": "bad_request", "message": _("Ange organisationens kod: ?organisation=KOD.")}, 400
    found = web.receiving_units(code)
    if found is None:
        return {"error": "not_found", "message": _("Okänd organisation: %(code)s.", code=code[:64])}, 404
    return jsonify([{"code": u.code, "name": u.name} for u in found])


def inbox():
    return _box("incoming", _("Inkorg"))


def outgoing():
    return _box("outgoing", _("Skickade"))


def mine():
    """"Mina ärenden": the cases the signed-in handler owns on the receiving side."""
    return _box("incoming", _("Mina ärenden"), owner=current_user.id)


def bulk_action():
    """The inbox's bulk form (acknowledge, assign, forward): each ticked case done or
    refused with its own reason, shown above the list the form came from."""
    form = BulkForm()
    back = "cases.mine" if request.args.get("from") == "mine" else "cases.inbox"
    owner = current_user.id if back == "cases.mine" else None
    title = _("Mina ärenden") if owner else _("Inkorg")
    if not form.validate_on_submit():
        return _box("incoming", title, owner=owner, endpoint=back, bulk_form=form, status=422)
    outcomes = bulk.perform_bulk(current_user, Action(form.action.data), form.chosen,
                                 form.to_input(), now_utc())
    done = sum(o.done for o in outcomes)
    if done:
        flash(ngettext("%(num)d ärende klart.", "%(num)d ärenden klara.", done), "success")
    return _box("incoming", title, owner=owner, endpoint=back, bulk_form=form,
                outcomes=outcomes, status=200 if done else 409)


def _fill_bulk_choices(form: BulkForm) -> BulkForm:
    # Columns, not objects: this runs on every inbox view, for the whole organisation.
    form.owner.choices = [("", _("Välj …"))] + owners.organisation_handler_choices(current_user.organisation_id)
    form.unit.choices = [("", _("Välj …"))] + active_unit_choices(current_user.organisation_id)
    return form


def _box(box: str, title: str, owner: int | None = None, endpoint: str | None = None,
         bulk_form=None, outcomes=None, status: int = 200):
    chosen = _status_param()
    sort = request.args.get("sort") or "newest"
    if sort not in SORTS:
        abort(400)
    cursor = request.args.get("cursor") or None
    items, next_cursor = box_rows(
        current_user, box, status=chosen, cursor=cursor, limit=current_app.config["PAGE_SIZE"], sort=sort,
        owner=owner,
    )
    now = now_utc()
    counts = web.box_counts(current_user, box, chosen, now, owner=owner)
    if box == "incoming" and web.may_own_cases(current_user):
        bulk_form = _fill_bulk_choices(bulk_form or BulkForm(formdata=None))
    return render_template(
        "cases/list.html", box=box, title=title, items=items, next_cursor=next_cursor,
        cursor=cursor, status=chosen, statuses=list(Status), sort=sort, counts=counts,
        overdue=web.overdue(current_user, box, now, owner=owner) if counts.overdue else [],
        count_cap=web.COUNT_CAP, status_cap=web.STATUS_COUNT_CAP,
        endpoint=endpoint or request.endpoint, mine=owner is not None,
        bulk_form=bulk_form, outcomes=outcomes,
        # What each of the page's rows says alike, looked up once, not once a row.
        case_href=_case_href(), kind_labels={k: k.label for k in Kind},
        status_labels={s: s.label for s in Status},
    ), status


#: A reference a URL carries as it is (ours are: AV-YYYY-NNNNNN, an import's AV-…).
_PLAIN_REFERENCE = re.compile(r"[A-Za-z0-9-]+")


def _case_href():
    """url_for("cases.show", reference=…) for a list's rows: the route built once a page."""
    prefix = url_for("cases.show", reference="AV")[:-2]

    def href(reference: str) -> str:
        if _PLAIN_REFERENCE.fullmatch(reference):
            return prefix + reference
        return url_for("cases.show", reference=reference)

    return href


def _status_param() -> Status | None:
    raw = request.args.get("status") or ""
    if not raw:
        return None
    try:
        return Status(raw)
    except ValueError:
        abort(400)


#: The case page's "Ärendet … är skickat." after a filing: the cookie names the case, is
#: sent to that case's page only (its path), and is cleared by the first page it reaches.
FILED_COOKIE = "arende_skickat"
FILED_COOKIE_SECONDS = 300


def show(reference: str):
    case = get_case_for(current_user, reference)
    mark_read(current_user, case)
    filed = request.cookies.get(FILED_COOKIE)
    if filed is None:
        return web.render_case(current_user, case)
    if filed == case.reference and case.reporter_id == current_user.id:
        _show_once("success", _("Ärendet %(reference)s är skickat.", reference=case.reference))
    response = make_response(web.render_case(current_user, case))
    response.delete_cookie(FILED_COOKIE, path=url_for("cases.show", reference=filed),
                           secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
    return response


def _show_once(category: str, message: str) -> None:
    """A message for this page only, among the session's flashes (shown by the layout as
    they are), without writing it to the session to be read back."""
    request_ctx.flashes = [*get_flashed_messages(with_categories=True), (category, message)]


def print_view(reference: str):
    """The case without its forms, for paper: PDL counts a print apart from a read."""
    case = get_case_for(current_user, reference)
    log_reads(current_user, [case], action="print")
    return web.render_case(current_user, case, printing=True)
