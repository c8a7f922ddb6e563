"""Posting to a case: an action from the transitions table, or a message."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from avvikelse.cases import links, web
from avvikelse.cases.forms import ACTION_FORMS, LinkForm, MessageForm
from avvikelse.cases.inputs import ActionInput
from avvikelse.cases.policy import can_view, get_case_for
from avvikelse.cases.rules import check_action
from avvikelse.cases.services import add_message, available_actions, perform
from avvikelse.cases.transitions import TRANSITIONS, Action
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import TransitionRefused, ValidationFailed
from avvikelse.core.fields import apply_errors


def act(reference: str, action: str):
    if action not in ACTION_FORMS:
        abort(404)
    case = get_case_for(current_user, reference)
    chosen = Action(action)
    if chosen not in available_actions(current_user, case):
        # Refuse before reading the form: its errors would belong to a form not shown.
        return web.render_case(current_user, case, refusal=_why_not(case, chosen), status=409)
    form = ACTION_FORMS[action]()
    if not form.validate():
        return web.render_case(current_user, case, failed=chosen, form=form, status=422)
    try:
        perform(current_user, case, chosen, form.to_input(), now_utc())
    except ValidationFailed as exc:
        apply_errors(form, exc.errors)
        return web.render_case(current_user, case, failed=chosen, form=form, status=422)
    except TransitionRefused as exc:
        return web.render_case(current_user, case, refusal=exc.message, status=409)
    flash(_("Klart: %(label)s. Ärendet har nu status ”%(status)s”.",
            label=TRANSITIONS[chosen].label, status=case.status.label), "success")
    return _back_to(case)


def _why_not(case, action: Action) -> str:
    """The rule that blocks the action, in the same words the API uses."""
    try:
        check_action(current_user, case, TRANSITIONS[action], ActionInput())
    except TransitionRefused as exc:
        return exc.message
    except ValidationFailed:
        pass
    return _("Du kan inte %(label)s det här ärendet just nu.", label=str(TRANSITIONS[action].label).lower())


def _back_to(case):
    # Forwarding to another unit or redirecting to another organisation can take the
    # case out of this user's sight: then the inbox, not a 404.
    if can_view(current_user, case):
        return redirect(url_for("cases.show", reference=case.reference))
    return redirect(url_for("cases.inbox"))


def message(reference: str):
    case = get_case_for(current_user, reference)
    form = MessageForm()
    if not form.validate():
        return web.render_case(current_user, case, message_form=form, status=422)
    try:
        add_message(current_user, case, form.body.data, now_utc())
    except ValidationFailed as exc:
        apply_errors(form, exc.errors)
        return web.render_case(current_user, case, message_form=form, status=422)
    except TransitionRefused as exc:
        return web.render_case(current_user, case, refusal=exc.message, status=409)
    flash(_("Meddelandet är skickat."), "success")
    return redirect(url_for("cases.show", reference=case.reference) + "#meddelanden")


def link(reference: str):
    """Link the case to another the user sees; the form keeps what was typed on an error."""
    case = get_case_for(current_user, reference)
    form = LinkForm()
    if not form.validate():
        return web.render_case(current_user, case, link_form=form, status=422)
    try:
        links.link(current_user, case, form.reference.data, form.kind.data, now_utc())
    except ValidationFailed as exc:
        apply_errors(form, exc.errors)
        return web.render_case(current_user, case, link_form=form, status=422)
    except TransitionRefused as exc:
        return web.render_case(current_user, case, refusal=exc.message, status=409)
    flash(_("Ärendena är länkade."), "success")
    return redirect(url_for("cases.show", reference=case.reference) + "#lankar")
