"""Log review ("loggkontroll") and the patient's log extract.

Every filter is posted: a personnummer searched for must never appear in a URL, a
browser history or a proxy log. Searching the log by patient is itself logged.
"""
from flask import (Blueprint, Response, abort, current_app, flash, redirect, render_template,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from avvikelse.audit import queries
from avvikelse.audit.export import ACTION_LABELS, extract_csv, rows_csv
from avvikelse.audit.forms import ExtractForm, LogFilterForm, ReviewForm, SampleForm
from avvikelse.audit.services import log_access
from avvikelse.core.clock import now_utc

bp = Blueprint("audit", __name__, url_prefix="/loggkontroll")


@bp.before_request
@login_required
def reviewers_only():
    if not queries.may_review(current_user):
        abort(403)


@bp.after_request
def no_store(response):
    # Who read which patient's case: never kept by a browser or a proxy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _blind_index(canonical: str | None) -> str | None:
    if not canonical:
        return None
    return current_app.extensions["avvikelse.cipher"].blind_index(canonical)


def _criteria(form: LogFilterForm) -> queries.LogFilter:
    return queries.LogFilter(
        username=form.username.data or None,
        blind_index=_blind_index(getattr(form, "patient_canonical", None)),
        reference=form.reference.data or None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )


def _csv(rows, name: str, render=rows_csv) -> Response:
    response = Response("\ufeff" + render(rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _log_patient_search(criteria: queries.LogFilter) -> None:
    if criteria.blind_index:
        log_access(current_user, "search", blind_index=criteria.blind_index)


@bp.route("/", methods=["GET", "POST"])
def index():
    form, sample_form = LogFilterForm(), SampleForm(prefix="s")
    rows, status = None, 200
    if form.validate_on_submit():
        criteria = _criteria(form)
        _log_patient_search(criteria)
        rows = queries.search(current_user, criteria)
        if form.format.data == "csv":
            return _csv(rows, "loggkontroll")
    elif form.is_submitted():
        status = 422
    return _page(form, sample_form, rows, status)


@bp.post("/stickprov")
def sample():
    form, sample_form = LogFilterForm(formdata=None), SampleForm(prefix="s")
    rows, status = None, 200
    if sample_form.validate_on_submit():
        criteria = _criteria(sample_form)
        _log_patient_search(criteria)
        rows = queries.sample(current_user, criteria, sample_form.size.data)
    else:
        status = 422
    return _page(form, sample_form, rows, status, is_sample=True)


def _page(form, sample_form, rows, status, is_sample=False):
    return render_template(
        "audit/index.html", form=form, sample_form=sample_form, rows=rows,
        reviews=queries.reviews_for(rows or []), review_form=ReviewForm(formdata=None),
        labels=ACTION_LABELS, is_sample=is_sample,
    ), status


@bp.post("/granska")
def review():
    form = ReviewForm()
    if not form.validate_on_submit():
        for messages in form.errors.values():
            for message in messages:
                flash(message, "error")
        return redirect(url_for("audit.index"))
    count = queries.mark_reviewed(current_user, form.ids.data, form.note.data, now_utc())
    flash(_("%(num)d åtkomster markerade som granskade.", num=count), "info")
    return redirect(url_for("audit.index"))


@bp.route("/patientutdrag", methods=["GET", "POST"])
def extract():
    """PDL 8 kap. 5 §: produced by an organisation's reviewer for the patient who asks,
    about the organisation's own staff (never county-wide)."""
    form, rows, status = ExtractForm(), None, 200
    if form.validate_on_submit():
        blind_index = _blind_index(form.patient_canonical)
        log_access(current_user, "search", blind_index=blind_index)
        rows = queries.patient_extract(current_user, blind_index)
        if form.format.data == "csv":
            return _csv(rows, "patientutdrag", extract_csv)
    elif form.is_submitted():
        status = 422
    return render_template("audit/extract.html", form=form, rows=rows, labels=ACTION_LABELS), status
