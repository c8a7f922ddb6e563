"""The forum's pages under /forum: summary, builds, snapshots, exports, and bringing a
case to the forum. Forum members see only suppressed aggregates and forum texts."""
import logging

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from avvikelse.cases.policy import can_view, get_case_for
from avvikelse.core.clock import now_utc
from avvikelse.core.dispatch import BUILD_FORUM_SUMMARY, dispatch
from avvikelse.core.errors import ValidationFailed
from avvikelse.core.fields import apply_errors
from avvikelse.extensions import db
from avvikelse.forum import charts, exports, presenting, services
from avvikelse.forum.filters import NAMES, Filters, parse_filters, view_of
from avvikelse.forum.forms import BuildForm, ItemForm, SnapshotForm
from avvikelse.forum.periods import Period, last_completed_quarter, parse

log = logging.getLogger(__name__)
bp = Blueprint("forum", __name__, url_prefix="/forum")
#: pages a handler reaches from a case, outside the forum roles
RAISE_ENDPOINTS = {"forum.raise_case"}
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@bp.before_request
@login_required
def _forum_only():
    if request.endpoint in RAISE_ENDPOINTS:
        if not services.can_raise(current_user):
            abort(404)
        return
    if not services.is_forum_user(current_user):
        abort(403)
    return


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _request_period_filters() -> tuple[Period, Filters, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    period = last_completed_quarter(now_utc())
    if request.args.get("period"):
        try:
            period = services.parse_period(request.args["period"])
        except ValidationFailed as exc:
            errors |= exc.errors
    try:
        filters = parse_filters(request.args, services.scope_of(current_user).county)
        view_of(filters)
    except ValidationFailed as exc:
        errors |= exc.errors
        filters = Filters()
    return period, filters, errors


def _hidden(form, period: Period, filters: Filters):
    form.period.data = period.label
    for name in NAMES:
        getattr(form, name).data = getattr(filters, name) or ""
    return form


@bp.route("/")
def summary():
    period, filters, errors = _request_period_filters()
    scope = services.scope_of(current_user)
    now = now_utc()
    shown = services.published(period, filters, now, scope=scope)
    context = presenting.view(shown, services.items_json(period, scope))
    # Each section between counties is a protected page of its own: linked, not computed here.
    cross = services.cross_counties(period, scope.county) if not filters.as_dict() else []
    # with other counties running, "none between counties" is said once, not per county
    other_counties = not filters.as_dict() and len(services.running_counties()) > 1
    return render_template(
        "forum/summary.html", period=period, filters=filters, errors=errors,
        options=presenting.filter_options(scope.county), cross_sections=cross, other_counties=other_counties,
        snapshot_form=_hidden(SnapshotForm(formdata=None), period, filters),
        build_form=_hidden(BuildForm(formdata=None), period, filters),
        export_args={"period": period.label, **filters.as_dict()}, **context,
    ), (422 if errors else 200)


@bp.route("/lan/<code>")
def cross_section(code: str):
    """The section between the reader's samverkan and another county running here."""
    period, _filters, errors = _request_period_filters()
    scope = services.scope_of(current_user)
    found = dict(services.cross_counties(period, scope.county)) if not errors else {}
    if code not in found:
        abort(404)
    section = services.cross_section(period, now_utc(), scope.county, code, found[code])
    return render_template("forum/cross.html", period=period,
                           section=section | presenting.view(section["figures"], section["items"]))


@bp.route("/diagram.css")
def chart_css():
    return Response(charts.stylesheet(), mimetype="text/css")


@bp.route("/export.<fmt>")
def export_live(fmt: str):
    period, filters, errors = _request_period_filters()
    if errors or fmt not in FORMATS:
        abort(404 if fmt not in FORMATS else 422)
    scope = services.scope_of(current_user)
    shown = services.published(period, filters, now_utc(), scope=scope) | {"items": services.items_json(period, scope)}
    return _export(fmt, shown, f"forum-{period.label}", title=f"Sammanställning {period.title}")


def _export(fmt: str, figures: dict, name: str, title: str, snapshot=None) -> Response:
    items = figures["items"] if "items" in figures else services.items_json(
        parse(figures["period"]), services.scope_of(current_user))
    context = presenting.view(figures, items)
    filters_text = _filter_text(figures["filters"])
    agreement = _agreement_text(figures)
    heading = [title, f"Filter: {filters_text}", *([agreement] if agreement else []), context["legend"]]
    if fmt == "csv":
        body = exports.to_csv(context["tables"], heading)
    elif fmt == "xlsx":
        body = exports.to_xlsx(context["tables"], heading)
    else:
        notes = services.masked(snapshot.notes) if snapshot and snapshot.notes else ""
        body = exports.to_pdf({"title": title, "filters_text": filters_text, "snapshot": snapshot,
                               "agreement_text": agreement,
                               "notes": notes, **context}, charts.stylesheet())
    return Response(body, mimetype=FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


def _agreement_text(figures: dict) -> str:
    versions = figures.get("agreement_versions") or []
    return f"Avtal: {'; '.join(versions)}." if versions else ""


def _filter_text(filters: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in filters.items()) or "inga"


@bp.route("/bygg", methods=["POST"])
def start_build():
    form = BuildForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        period = services.parse_period(form.period.data)
        filters = parse_filters({n: getattr(form, n).data for n in NAMES}, services.scope_of(current_user).county)
        view_of(filters)
    except ValidationFailed:
        abort(422)
    build = services.start_build(current_user, period, filters, now_utc())
    db.session.commit()
    _enqueue(build.id)
    return redirect(url_for("forum.show_build", build_id=build.id))


def _enqueue(build_id: int) -> None:
    if not dispatch(BUILD_FORUM_SUMMARY, build_id):
        # Broker down: build here, the figures take well under a second.
        log.warning("building forum summary %s in the request", build_id)
        services.run_build(build_id, now_utc())


@bp.route("/bygg/<int:build_id>")
def show_build(build_id: int):
    scope = services.scope_of(current_user)
    build = services.get_build(build_id, scope.county)
    context = {}
    if build.status == "done" and build.figures:
        context = presenting.view(build.figures, services.items_json(parse(build.period), scope))
    response = render_template("forum/build.html", build=build, **context)
    # A plain HTTP refresh polls the build row: no script, nothing for the CSP to block.
    headers = {"Refresh": "2"} if build.status in ("pending", "running") else {}
    return response, 200, headers


@bp.route("/ogonblicksbilder")
def snapshots():
    return render_template("forum/snapshots.html", snapshots=services.snapshots(services.scope_of(current_user).county))


@bp.route("/ogonblicksbilder", methods=["POST"])
def create_snapshot():
    form = SnapshotForm()
    if form.validate_on_submit():
        try:
            snap = services.create_snapshot(current_user, services.SnapshotInput(
                period=form.period.data, meeting_on=form.meeting_on.data, notes=form.notes.data or "",
                filters={n: getattr(form, n).data for n in NAMES}), now_utc())
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash("Ögonblicksbilden är sparad.", "success")
            return redirect(url_for("forum.show_snapshot", snapshot_id=snap.id))
    return render_template("forum/snapshot_form.html", form=form), 422


@bp.route("/ogonblicksbilder/<int:snapshot_id>")
def show_snapshot(snapshot_id: int):
    snap = services.get_snapshot(snapshot_id, services.scope_of(current_user).county)
    context = presenting.view(snap.figures, snap.figures.get("items", []))
    return render_template("forum/snapshot.html", snapshot=snap, notes=services.masked(snap.notes), **context)


@bp.route("/ogonblicksbilder/<int:snapshot_id>.<fmt>")
def export_snapshot(snapshot_id: int, fmt: str):
    if fmt not in FORMATS:
        abort(404)
    snap = services.get_snapshot(snapshot_id, services.scope_of(current_user).county)
    return _export(fmt, snap.figures, f"forum-{snap.period}-ogonblicksbild-{snap.id}",
                   title=f"Ögonblicksbild {snap.period}, möte {snap.meeting_on.isoformat()}", snapshot=snap)


@bp.route("/arenden/<reference>/ta-upp", methods=["GET", "POST"])
def raise_case(reference: str):
    case = get_case_for(current_user, reference)
    if not can_view(current_user, case):
        abort(404)  # read through an investigation: raising it is for the case's sides
    form = ItemForm()
    status = 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                services.raise_case(current_user, case, services.ItemInput(form.title.data, form.text.data), now_utc())
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
            else:
                flash("Ärendet tas upp i forum med den text du skrev.", "success")
                return redirect(url_for("cases.show", reference=case.reference))
    return render_template("forum/raise.html", case=case, form=form), status


@bp.app_template_global("can_raise_to_forum")
def can_raise_to_forum(user) -> bool:
    return user.is_authenticated and services.can_raise(user)
