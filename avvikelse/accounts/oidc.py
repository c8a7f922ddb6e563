"""Single sign-on by OpenID Connect (authorization code flow, Authlib).

A county plugs in its IdP (Inera's IdP for SITHS e-tjänstekort, or its own) by setting
OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET. Authlib checks the ID token's
signature against the IdP's published keys, the issuer, the audience, the expiry and
the nonce bound to this browser's login attempt; the state is single-use, so a replayed
callback fails. The person is then matched by HSA-id, never by name or e-mail, and
their unit is the one the IdP vouches for (the assignment they logged in with).

An HSA-id not known here, signing in with a unit we know, gets an account in that unit's
organisation that waits (inactive, `awaiting_setup`) until an administrator gives it a
unit and a role on the admin pages; until then signing in only says so.
"""
import logging
import re

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, abort, current_app, redirect, request, session, url_for
from flask_babel import gettext as _
from joserfc.errors import JoseError
from requests import RequestException
from sqlalchemy import select

from avvikelse.accounts import assurance, history
from avvikelse.accounts.models import User
from avvikelse.accounts.services import create_user, user_by_username
from avvikelse.core.email_address import is_plain_address
from avvikelse.core.text import TextError, clean_text
from avvikelse.accounts.sessions import start_session
from avvikelse.core.error_pages import respond
from avvikelse.core.urls import safe_next
from avvikelse.directory.models import Unit
from avvikelse.extensions import db

log = logging.getLogger("avvikelse.security")
bp = Blueprint("oidc", __name__)
NEXT_KEY = "oidc_next"
#: clock skew tolerated on `exp`/`iat`, in seconds (Authlib's default is 120)
LEEWAY = 30


def init_oidc(app: Flask) -> None:
    app.register_blueprint(bp)


def _client():
    """The Authlib client for the configured issuer (built on first use, per issuer)."""
    config = current_app.config
    issuer = config.get("OIDC_ISSUER")
    if not issuer:
        abort(404)
    clients = current_app.extensions.setdefault("avvikelse.oidc", {})
    if issuer not in clients:
        oauth = OAuth(current_app)
        clients[issuer] = oauth.register(
            name=f"idp{len(clients)}",
            client_id=config["OIDC_CLIENT_ID"],
            client_secret=config["OIDC_CLIENT_SECRET"],
            server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={"scope": "openid profile", "timeout": 10},
        )
    return clients[issuer]


@bp.get("/logga-in/sso")
def start():
    client = _client()
    target = safe_next(request.args.get("next"))
    if target:
        session[NEXT_KEY] = target
    # Ask for the assurance level the roles need (OIDC acr_values); the callback checks it.
    extra = {"acr_values": " ".join(sorted(assurance.accepted_acrs()))} if assurance.accepted_acrs() else {}
    try:
        return client.authorize_redirect(url_for("oidc.callback", _external=True), **extra)
    except (RequestException, ValueError, RuntimeError):
        log.warning("sso: identity provider unreachable or misconfigured")
        return respond(503, _("Inloggningstjänsten svarar inte. Försök igen om en stund."))


def _refuse(reason: str, message: str | None = None):
    log.warning("sso login refused: %s", reason)
    return respond(403, message or _("Inloggningen kunde inte genomföras."))


@bp.get("/logga-in/sso/klar")
def callback():
    client = _client()
    try:
        # Audience pinned explicitly: Authlib alone accepts a foreign `aud` when `azp`
        # names us, and a token minted for another service must never log anyone in.
        metadata = client.load_server_metadata()
        token = client.authorize_access_token(leeway=LEEWAY, claims_options={
            "iss": {"essential": True, "values": [metadata.get("issuer")]},
            "aud": {"essential": True, "values": [client.client_id]},
        })
    except (OAuthError, JoseError) as exc:
        return _refuse(f"token rejected ({type(exc).__name__})")
    except (RequestException, ValueError, KeyError) as exc:
        return _refuse(f"token exchange failed ({type(exc).__name__})")
    claims = token.get("userinfo") or {}
    config = current_app.config
    hsa_id = claims.get(config["OIDC_HSA_CLAIM"])
    if not isinstance(hsa_id, str) or not hsa_id or len(hsa_id) > 64:
        return _refuse("no HSA-id in the token")
    user = db.session.scalar(select(User).where(User.hsa_id == hsa_id))
    if user is None:
        user = _first_sign_in(hsa_id, claims)
    if user is not None and user.awaiting_setup:
        return _refuse("account awaits an administrator",
                       _("Ditt konto är skapat och väntar på att en administratör ger dig enhet och "
                         "roll. Försök igen när du har fått besked."))
    if user is None or not user.active:
        return _refuse("unknown or inactive HSA-id",
                       _("Ditt HSA-id har inget aktivt konto här. Kontakta din administratör."))
    acr = claims.get("acr")
    if assurance.needs_strong_auth(user) and not assurance.acr_accepted(acr):
        return _refuse("acr not accepted for a role that opens case content",
                       _("Din roll kräver inloggning med e-tjänstekort på en högre tillitsnivå. "
                         "Logga in med e-tjänstekort."))
    unit_code = claims.get(config["OIDC_UNIT_CLAIM"])
    if unit_code is not None:
        unit = db.session.scalar(select(Unit).where(Unit.code == str(unit_code)[:64]))
        if unit is None or unit.organisation_id != user.organisation_id:
            return _refuse("unit claim not in the user's organisation",
                           _("Enheten du loggade in med är inte känd här."))
        user.units = [unit]
    target = session.get(NEXT_KEY)
    start_session(user, login_method="sso",
                  **{assurance.AUTH_ACR: acr[:200] if isinstance(acr, str) else None})
    return redirect(target or url_for("cases.start"))


def _first_sign_in(hsa_id: str, claims: dict) -> User | None:
    """An account for an HSA-id signing in for the first time with a unit we know: in that
    unit's organisation, inactive, awaiting an administrator. None without such a unit."""
    unit_code = claims.get(current_app.config["OIDC_UNIT_CLAIM"])
    unit = db.session.scalar(select(Unit).where(Unit.code == str(unit_code)[:64])) \
        if isinstance(unit_code, str) and "\x00" not in unit_code else None
    if unit is None or not unit.active or not unit.organisation.active:
        return None
    base = re.sub(r"[^a-z0-9._-]", "", hsa_id.lower())[:70] or "sso"
    username, n = base, 1
    while user_by_username(username) is not None:
        n += 1
        username = f"{base}-{n}"
    email = claims.get("email")
    try:
        name = clean_text(claims.get("name"), multiline=False)[:200] \
            if isinstance(claims.get("name"), str) else ""
    except TextError:
        name = ""
    user = create_user(username, unit.organisation, set(), None,
                       email=email if isinstance(email, str) and is_plain_address(email) else None,
                       full_name=name)
    user.hsa_id, user.active, user.awaiting_setup = hsa_id, False, True
    history.record(None, "sso_created", unit.organisation_id,
                   f"Loggade in första gången med e-tjänstekort, från enheten {unit.name}.",
                   user=user, unit=unit)
    log.info("sso: account %s created for a new HSA-id, awaiting an administrator", user.id)
    return user
