"""The caller's own tokens: list (never the secrets), create a named one, revoke."""
from flask import g

from avvikelse.api.adapter import json_body
from avvikelse.api.errors import fail, invalid
from avvikelse.core.clock import iso
from avvikelse.core.clock import now_utc
from avvikelse.accounts import tokens


def token_json(token, current_id: int | None = None) -> dict:
    return {
        "id": token.id, "name": token.name,
        "created_at": iso(token.created_at), "expires_at": iso(tokens.expires_at(token)),
        "last_used_at": iso(token.last_used_at), "revoked_at": iso(token.revoked_at),
        "current": token.id == current_id,
    }


def list_tokens():
    return {"items": [token_json(t, g.api_token.id) for t in tokens.for_user(g.api_user)]}


def create_token():
    if g.api_user.is_integration:
        # A system's tokens are its administrators' to issue: a leaked one must not mint more.
        fail(403, "Integrationskontots token skapas av organisationens administratör.")
    body = json_body()
    name, days = body.get("name"), body.get("expires_in_days")
    errors = {}
    if not isinstance(name, str):
        errors["name"] = ["Ange namnet som text."]
    if days is not None and (not isinstance(days, int) or isinstance(days, bool)):
        errors["expires_in_days"] = ["Ange ett heltal."]
    if errors:
        invalid(errors)
    token, secret = tokens.create(g.api_user, name, now_utc(), days)
    return {"token": secret, "token_type": "Bearer", "expires_at": iso(tokens.expires_at(token))}, 201


def revoke_token(token_id: int):
    tokens.revoke(tokens.get_for(g.api_user, token_id), now_utc())
    return "", 204
