"""Admin pages for webhooks: register an endpoint (secret shown once), the delivery log,
"send test event", and switching an endpoint off."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.core.fields import apply_errors
from avvikelse.integrations import accounts
from avvikelse.integrations import webhooks as hooks
from avvikelse.integrations.forms import ConfirmForm, WebhookForm


def _admin_only():
    if not accounts.can_manage(current_user):
        abort(403)


def webhooks():
    _admin_only()
    form, secret, status = WebhookForm(), None, 200
    if form.is_submitted():
        status = 422
        if form.validate():
            try:
                _endpoint, secret = hooks.register(current_user, form.url.data, form.description.data)
                status = 201
                form.url.data = form.description.data = ""
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
    return render_template("integrations/webhooks.html", form=form, secret=secret, confirm=ConfirmForm(),
                           items=hooks.for_organisation(current_user), events=hooks.EVENTS), status


def webhook(endpoint_id: int):
    _admin_only()
    endpoint = hooks.get_for(current_user, endpoint_id)
    return render_template("integrations/webhook.html", endpoint=endpoint, confirm=ConfirmForm(),
                           items=hooks.deliveries(endpoint))


def send_test_event(endpoint_id: int):
    _admin_only()
    endpoint = hooks.get_for(current_user, endpoint_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not endpoint.active:
        flash(_("Webhooken är avstängd."), "error")
    else:
        hooks.send_test(endpoint, now_utc())
        flash(_("En testhändelse är på väg. Ladda om sidan för att se hur leveransen gick."), "success")
    return redirect(url_for("integrations.webhook", endpoint_id=endpoint.id))


def disable_webhook(endpoint_id: int):
    _admin_only()
    endpoint = hooks.get_for(current_user, endpoint_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    endpoint.active = False
    flash(_("Webhooken är avstängd och får inga fler händelser."), "success")
    return redirect(url_for("integrations.webhook", endpoint_id=endpoint.id))
