"""The national pages: `/nationellt/` (the national summary, role `national`) and
`/admin/lan` (the counties of the directory, role `national_admin`)."""
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from avvikelse.accounts.models import Role
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.directory.models import Organisation, Samverkan
from avvikelse.directory.services import samverkan_by_code
from avvikelse.extensions import db
from avvikelse.forum import exports
from avvikelse.forum.periods import last_completed_quarter, parse
from avvikelse.forum.periods import PeriodError
from avvikelse.national import services

bp = Blueprint("national", __name__, url_prefix="/nationellt")
admin = Blueprint("directory_admin", __name__, url_prefix="/admin/lan")
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.before_request
@login_required
def _national_only():
    if not services.can_read(current_user):
        abort(403)


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def parse_period(text):
    try:
        return parse(text)
    except PeriodError as exc:
        raise ValidationFailed({"period": [exc.message]}) from None


def _period():
    errors = {}
    period = last_completed_quarter(now_utc())
    if request.args.get("period"):
        try:
            period = parse_period(request.args["period"])
        except ValidationFailed as exc:
            errors = exc.errors
    return period, errors


@bp.route("/")
def summary():
    period, errors = _period()
    shown = services.summary(period, now_utc())
    return render_template("national/summary.html", period=period, shown=shown, errors=errors,
                           tables=services.tables(shown)), (422 if errors else 200)


@bp.route("/export.<fmt>")
def export(fmt: str):
    if fmt not in FORMATS:
        abort(404)
    period, errors = _period()
    if errors:
        abort(422)
    shown = services.summary(period, now_utc())
    heading = [f"Nationell sammanställning {period.title}", "Ärenden räknas i avsändarens län.",
               f"x = dolt: färre än {shown['disclosure']['threshold']} ärenden, eller dolt så att ett annat "
               "dolt värde inte kan räknas fram.", *([shown["note"]] if shown["note"] else [])]
    tables = services.tables(shown)
    body = exports.to_csv(tables, heading) if fmt == "csv" else exports.to_xlsx(tables, heading)
    return Response(body, mimetype=FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="nationellt-{period.label}.{fmt}"'})


@admin.before_request
@login_required
def _directory_admin_only():
    if not (current_user.has_role(Role.NATIONAL_ADMIN) and not current_user.is_integration):
        abort(403)


@admin.route("/")
def counties():
    """Every county: its code, name, whether it runs here, how many organisations."""
    counts = dict(db.session.execute(select(Organisation.county_code, func.count())
                                     .group_by(Organisation.county_code)).all())
    rows = db.session.scalars(select(Samverkan).order_by(Samverkan.code)).all()
    return render_template("national/counties.html", counties=rows, counts=counts)


@admin.route("/<code>", methods=["POST"])
def set_active(code: str):
    county = samverkan_by_code(code)
    if county is None:
        abort(404)
    wanted = request.form.get("active")
    if wanted not in ("1", "0"):
        abort(400)
    county.active = wanted == "1"
    flash(f"{county.name}: {'ansluten' if county.active else 'inte ansluten'}.", "success")
    return redirect(url_for("directory_admin.counties"))
