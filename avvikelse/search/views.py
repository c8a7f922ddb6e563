"""The search page (/sok), its saved searches, and list exports (the search's, the
inbox's and the sent list's)."""
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from avvikelse.cases.categories import CATEGORIES
from avvikelse.cases.enums import Status
from avvikelse.cases.queries import SEARCH_BOXES
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.directory.services import units_by_organisation
from avvikelse.search import export, filters, queries, saved
from avvikelse.search.forms import RemoveSearchForm, SaveSearchForm

bp = Blueprint("search", __name__, url_prefix="/sok")

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.before_request
@login_required
def _signed_in():
    """Every search page needs a signed-in user."""


def _search(args=None) -> tuple[filters.Search | None, dict]:
    try:
        return filters.parse(args if args is not None else request.args,
                             filters.Context(current_user, now_utc())), {}
    except ValidationFailed as exc:
        return None, exc.errors


def _options() -> dict:
    return {
        "boxes": [("all", _("Allt jag får se")), ("incoming", _("Inkorg")), ("outgoing", _("Skickade"))],
        "statuses": [(s.value, s.label) for s in Status],
        "categories": [(c.code, c.label) for c in CATEGORIES],
        "units": units_by_organisation(),
        "yes_no": [("true", _("Ja")), ("false", _("Nej"))],
        "owners": [("me", _("Jag"))],
        "orders": [("date", _("Senast rapporterade först")), ("relevance", _("Bäst träff först (högst 50)"))],
    }


def index():
    search, errors = _search()
    page, cursor = None, request.args.get("cursor") or None
    if search is not None and not (search.is_empty and "box" not in request.args):
        page = queries.rows(current_user, search, now_utc(), cursor=cursor,
                            limit=current_app.config["PAGE_SIZE"])
    form = SaveSearchForm(formdata=None, query=search.query_string() if search else "")
    return render_template(
        "search/index.html", search=search, errors=errors, page=page, cursor=cursor,
        args=request.args, options=_options(), saved=saved.of(current_user), save_form=form,
        remove_form=RemoveSearchForm(formdata=None), boxes=SEARCH_BOXES,
    ), 400 if errors else 200


def export_list(fmt: str):
    """The list the query string describes, every page of it (at most export.MAX_ROWS)."""
    if fmt not in FORMATS:
        abort(404)
    columns_of = request.args.get("columns", "search")
    search, errors = _search()
    if errors:
        return render_template("search/index.html", search=None, errors=errors, page=None, cursor=None,
                               args=request.args, options=_options(), saved=saved.of(current_user),
                               save_form=SaveSearchForm(formdata=None),
                               remove_form=RemoveSearchForm(formdata=None), boxes=SEARCH_BOXES), 400
    columns = export.box_columns(search.box) if columns_of == "box" and search.box != "all" \
        else export.SEARCH_COLUMNS
    rows, more = export.all_rows(current_user, search, now_utc())
    body = export.render(fmt, rows, columns, more)
    name = f"arenden-{now_utc().date().isoformat()}.{fmt}"
    return Response(body, mimetype=FORMATS[fmt], headers={"Content-Disposition": f'attachment; filename="{name}"'})


def save():
    form = SaveSearchForm()
    if form.validate_on_submit():
        try:
            kept = saved.save(current_user, form.name.data, form.query.data or "", now_utc())
        except ValidationFailed as exc:
            for messages in exc.errors.values():
                for message in messages:
                    flash(message, "error")
        else:
            flash(_("Sökningen ”%(name)s” är sparad.", name=kept.name), "success")
            return redirect(url_for("search.index") + "?" + kept.query)
    else:
        for messages in form.errors.values():
            for message in messages:
                flash(message, "error")
    return redirect(url_for("search.index") + ("?" + form.query.data if form.query.data else ""))


def remove(saved_id: int):
    if not RemoveSearchForm().validate_on_submit():
        abort(400)
    saved.delete(current_user, saved_id)
    flash(_("Sökningen är borttagen."), "success")
    return redirect(url_for("search.index"))


for rule, view, methods in (
    ("", index, ["GET"]),
    ("/export.<fmt>", export_list, ["GET"]),
    ("/sparade", save, ["POST"]),
    ("/sparade/<int:saved_id>/ta-bort", remove, ["POST"]),
):
    bp.add_url_rule(rule, view_func=view, methods=methods)
