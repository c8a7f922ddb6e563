"""The forum's agenda of disputes (/forum/tvister): forum readers see it, members settle."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.core.fields import apply_errors
from avvikelse.forum import disputes, services
from avvikelse.forum.forms import ConclusionForm

bp = Blueprint("disputes", __name__, url_prefix="/forum/tvister")


@bp.before_request
@login_required
def _forum_only():
    if not services.is_forum_user(current_user):
        abort(403)


@bp.after_request
def _no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/")
def agenda(failed: str | None = None, form=None, status: int = 200):
    items = [disputes.summary(case) for case in disputes.agenda(current_user.organisation.county)]
    return render_template("forum/disputes.html", items=items, failed=failed,
                           failed_form=form, blank_form=ConclusionForm(formdata=None),
                           may_settle=disputes.may_settle(current_user)), status


@bp.route("/<reference>", methods=["POST"])
def settle(reference: str):
    if not disputes.may_settle(current_user):
        abort(403)
    case = disputes.get_dispute(reference, current_user.organisation.county)
    form = ConclusionForm()
    if form.validate_on_submit():
        try:
            disputes.settle(current_user, case, form.conclusion.data, now_utc())
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        else:
            flash(_("Tvisten i %(reference)s är avgjord och ärendet avslutat.", reference=reference), "success")
            return redirect(url_for("disputes.agenda"))
    return agenda(failed=reference, form=form, status=422)
