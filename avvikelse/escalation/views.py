"""The escalation inbox: MAS and chefsläkare acknowledge and decide, oldest first."""
from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from avvikelse.core.clock import now_utc
from avvikelse.core.errors import TransitionRefused, ValidationFailed
from avvikelse.core.fields import apply_errors
from avvikelse.escalation import decisions, services
from avvikelse.escalation.forms import AcknowledgeForm, CorrectionForm, DecisionForm
from avvikelse.escalation.policy import inbox_roles

bp = Blueprint("escalation", __name__)


@bp.before_request
@login_required
def _overseers_only():
    """The inbox is for MAS and chefsläkare; everybody else sees escalations on the case."""
    if not inbox_roles(current_user):
        abort(403)


@bp.route("/eskaleringar")
def inbox():
    return _render()


@bp.route("/eskaleringar/<int:escalation_id>/kvittera", methods=["POST"])
def acknowledge(escalation_id: int):
    esc = services.get_escalation_for(current_user, escalation_id)
    if not AcknowledgeForm().validate_on_submit():
        abort(400)
    try:
        services.acknowledge(current_user, esc, now_utc())
    except TransitionRefused as exc:
        return _render(refusal=exc.message, status=409)
    flash(_("Eskaleringen för %(reference)s är kvitterad.", reference=esc.case.reference), "success")
    return redirect(url_for("escalation.inbox"))


@bp.route("/eskaleringar/<int:escalation_id>/rattelse", methods=["POST"])
def correct(escalation_id: int):
    esc = services.get_escalation_for(current_user, escalation_id)
    form = CorrectionForm()
    if form.validate_on_submit():
        try:
            decisions.correct(current_user, esc, form.step_id.data, form.to_input(), now_utc())
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        except TransitionRefused as exc:
            return _render(refusal=exc.message, status=409)
        else:
            flash(_("Steget för %(reference)s är rättat.", reference=esc.case.reference), "success")
            return redirect(url_for("escalation.inbox"))
    return _render(failed=esc.id, correction_form=form, status=422)


@bp.route("/eskaleringar/<int:escalation_id>/beslut", methods=["POST"])
def decide(escalation_id: int):
    esc = services.get_escalation_for(current_user, escalation_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            decisions.decide(current_user, esc, form.to_input(), now_utc())
        except ValidationFailed as exc:
            apply_errors(form, exc.errors)
        except TransitionRefused as exc:
            return _render(refusal=exc.message, status=409)
        else:
            flash(_("Beslutet för %(reference)s är registrerat.", reference=esc.case.reference), "success")
            return redirect(url_for("escalation.inbox"))
    return _render(failed=esc.id, form=form, status=422)


def _render(refusal: str | None = None, failed: int | None = None, form=None,
            correction_form=None, status: int = 200):
    now = now_utc()
    items = services.inbox(current_user, "open")
    return render_template(
        "escalation/inbox.html", items=items, now=now, age=lambda e: age(e.opened_at, now),
        refusal=refusal, failed=failed, failed_form=form, failed_correction=correction_form,
        ack_form=AcknowledgeForm(), blank_form=DecisionForm(formdata=None),
        blank_correction=CorrectionForm(formdata=None),
    ), status


def age(since: datetime, now: datetime) -> str:
    """How long something has waited, in the largest whole unit a person reads at a glance."""
    seconds = max(0, int((now - since).total_seconds()))
    days, hours = seconds // 86400, seconds // 3600
    if days:
        return ngettext("%(num)d dag", "%(num)d dagar", days)
    if hours:
        return ngettext("%(num)d timme", "%(num)d timmar", hours)
    return _("under en timme")


@bp.app_template_global("escalation_inbox_open")
def escalation_inbox_open() -> bool:
    """The nav's link: an overseer, or the deputy of an absent one today."""
    return current_user.is_authenticated and bool(inbox_roles(current_user))


@bp.app_template_global("case_escalations")
def case_escalations(case) -> list:
    """For the case page's partial (templates/escalation/_case_escalations.html)."""
    return services.for_case(case)
