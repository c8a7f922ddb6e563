"""The figures page (/siffror): the reader's own figures as charts, each with its table."""
from flask import Blueprint, Response, abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from avvikelse.cases.categories import BY_CODE
from avvikelse.cases.enums import EventType
from avvikelse.core.clock import now_utc
from avvikelse.directory.models import Organisation
from avvikelse.extensions import db
from avvikelse.figures import compute, periods
from avvikelse.forum import charts

bp = Blueprint("figures", __name__, url_prefix="/siffror")


@bp.before_request
@login_required
def _readers_only():
    if not compute.may_read(current_user):
        abort(403)


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _headers() -> list[str]:
    return [_("Rapporterade"), _("Mottagna"), _("Besvarade i tid"), _("Försenade"), _("Åtgärder")]


def _section(key: str, title: str, first: str, rows: list[tuple[str, dict]]) -> dict:
    """A breakdown as a table, and as a chart of the same numbers (all but the measures)."""
    labels = [label for label, _row in rows]
    series = [(header, [row[m] for _label, row in rows]) for header, m in zip(_headers(), compute.METRICS, strict=True)]
    return {
        "id": key, "title": title, "headers": [first, *_headers()],
        "rows": [[label, *(row[m] for m in compute.METRICS)] for label, row in rows],
        "chart": charts.grouped(f"siffror-{key}", labels, series[:4], title) if rows else None,
    }


def index():
    now = now_utc()
    errors = {}
    span = periods.current_quarter(now)
    if request.args.get("period"):
        try:
            span = periods.parse(request.args["period"])
        except periods.PeriodError as exc:
            errors["period"] = [exc.message]
    scope = compute.scope(current_user)
    figures = compute.compute(scope, span, now)
    event_types = {t.value: t.label for t in EventType}
    sections = [
        _section("enhet", _("Per enhet"), _("Enhet"),
                 [(r["name"] or _("Organisationens mottagning"), r) for r in figures["by_unit"]]),
        _section("kategori", _("Per kategori"), _("Kategori"), [
            (str(BY_CODE[r["category"]].label) if r["category"] in BY_CODE else r["category"], r)
            for r in figures["by_category"]]),
        _section("typ", _("Per händelsetyp"), _("Händelsetyp"),
                 [(event_types.get(r["event_type"], r["event_type"]), r) for r in figures["by_event_type"]]),
        _section("tid", _("Per månad") if figures["step"] == "month" else _("Per kvartal"), _("Period"),
                 [(r["period"], r) for r in figures["by_period"]]),
    ]
    organisation = db.session.get(Organisation, scope.organisation_id)
    return render_template("figures/index.html", figures=figures, sections=sections, errors=errors,
                           organisation=organisation, whole=scope.unit_ids is None,
                           period=request.args.get("period", span.label)), 400 if errors else 200


def chart_css():
    return Response(charts.stylesheet(), mimetype="text/css")


bp.add_url_rule("", view_func=index)
bp.add_url_rule("/diagram.css", view_func=chart_css)
