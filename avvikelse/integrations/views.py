"""Pages: my API tokens (profile), and an organisation's integration accounts (admin).

A new token's secret is shown once, in the response to the POST that created it (never
stored, never in a redirect or a flash that could be replayed), with no-store caching.
A token is minted only from a session signed in recently (accounts/assurance.py); else
the page asks the person to sign in again and comes back to the form.
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from avvikelse.accounts import assurance, grants
from avvikelse.accounts.models import Role
from avvikelse.core.clock import now_utc
from avvikelse.core.errors import ValidationFailed
from avvikelse.core.fields import apply_errors
from avvikelse.accounts import tokens
from avvikelse.integrations import accounts
from avvikelse.integrations.forms import ConfirmForm, IntegrationAccountForm, TokenForm


@login_required
def signed_in():
    if current_user.is_integration:
        abort(403)


def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _admin_only():
    if not accounts.can_manage(current_user):
        abort(403)


# -- my tokens -----------------------------------------------------------------------------

def my_tokens():
    form, secret, status = TokenForm(), None, 200
    refusal = assurance.mint_refusal(current_user)
    if form.is_submitted():
        if refusal:
            return _sign_in_again(refusal)
        secret, status = _create_token(current_user, form)
    return render_template("integrations/tokens.html", owner=current_user, form=form, secret=secret,
                           items=tokens.for_user(current_user), now=now_utc(), confirm=ConfirmForm(),
                           revoke_endpoint="integrations.revoke_my_token", back=None,
                           **_token_page(current_user, refusal)), status


def _token_page(owner, refusal: str | None) -> dict:
    return {"expiry": tokens.expires_at, "max_days": tokens.max_days(owner),
            "sign_in_again": _sign_in_again_url(refusal) if refusal else None,
            "strong_required": refusal == assurance.STRONG}


def _sign_in_again_url(refusal: str) -> str:
    strong = "1" if refusal == assurance.STRONG else None
    return url_for("accounts.reauthenticate", next=request.path, sso=strong)


def _sign_in_again(refusal: str):
    """Nothing is minted; the person signs in again and comes back to this form."""
    if refusal == assurance.STRONG:
        flash(_("En token som ger tillgång till ärenden skapas bara efter inloggning med "
                "e-tjänstekort. Logga in med det, så kommer du tillbaka hit."), "info")
    else:
        flash(_("Logga in igen för att skapa en token. Sedan kommer du tillbaka hit."), "info")
    return redirect(_sign_in_again_url(refusal), code=303)


def revoke_my_token(token_id: int):
    _revoke(current_user, token_id)
    return redirect(url_for("integrations.my_tokens"))


def _create_token(owner, form: TokenForm):
    if not form.validate():
        return None, 422
    try:
        _token, secret = tokens.create(owner, form.name.data, now_utc(), form.expires_in_days.data)
    except ValidationFailed as exc:
        apply_errors(form, exc.errors)
        return None, 422
    form.name.data, form.expires_in_days.data = "", None
    return secret, 201


def _revoke(owner, token_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = tokens.get_for(owner, token_id)
    tokens.revoke(token, now_utc())
    flash(_("Token ”%(name)s” är återkallad och fungerar inte längre.", name=token.name), "success")


# -- integration accounts (admin) ----------------------------------------------------------

def _account_form() -> IntegrationAccountForm:
    form = IntegrationAccountForm()
    form.units.choices = [(u.id, u.name) for u in current_user.organisation.units if u.active]
    return form


def integration_accounts():
    _admin_only()
    form, status = _account_form(), 200
    if form.is_submitted():
        if form.validate():
            try:
                account, pending = accounts.create(
                    current_user, form.username.data, form.full_name.data,
                    {Role(r) for r in form.roles.data or []}, set(form.units.data or []))
            except ValidationFailed as exc:
                apply_errors(form, exc.errors)
                status = 422
            else:
                flash(_("Integrationskontot %(name)s är skapat. Skapa nu en token åt det.",
                        name=account.username), "success")
                if pending:
                    flash(_("Behörigheten att handlägga ärenden gäller först när MAS eller "
                            "chefsläkare i organisationen har godkänt den."), "info")
                return redirect(url_for("integrations.integration_account", user_id=account.id))
        else:
            status = 422
    items = accounts.for_organisation(current_user)
    return render_template("integrations/accounts.html", form=form, items=items,
                           pending=grants.pending_of(items)), status


def integration_account(user_id: int):
    _admin_only()
    account = accounts.get_for(current_user, user_id)
    form, secret, status = TokenForm(), None, 200
    refusal = assurance.mint_refusal(account)
    if form.is_submitted():
        if refusal:
            return _sign_in_again(refusal)
        secret, status = _create_token(account, form)
    return render_template("integrations/tokens.html", owner=account, form=form, secret=secret,
                           items=tokens.for_user(account), now=now_utc(), confirm=ConfirmForm(),
                           revoke_endpoint="integrations.revoke_account_token",
                           back=url_for("integrations.integration_accounts"),
                           **_token_page(account, refusal)), status


def revoke_account_token(user_id: int, token_id: int):
    _admin_only()
    _revoke(accounts.get_for(current_user, user_id), token_id)
    return redirect(url_for("integrations.integration_account", user_id=user_id))
