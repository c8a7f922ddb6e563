"""How sure we are of who is behind a session, for what needs more than being signed in.

- Minting an API token from a web session needs a recent sign-in
  (TOKEN_MINT_RECENT_MINUTES, from the session's authentication time).
- Strong authentication (STRONG_AUTH_ACR, the accepted `acr` values of the IdP, e.g. an
  LoA3/SITHS value; empty = off): whoever holds a role that opens case content signs in
  through OIDC with an accepted `acr`. A password then gets them neither a session nor
  an API token, their sessions without such an `acr` end, and a token that opens case
  content (theirs, or an integration account's) is minted only from a session signed in
  with one. Integration accounts never sign in; their tokens are minted by people.

A refused password is answered exactly like a wrong one (same status, page and number of
hash checks), so the rule tells nobody whether a password was right.
"""
from flask import current_app, session

from avvikelse.accounts import sessions
from avvikelse.accounts.models import CASE_CONTENT_ROLES

#: the session's `acr`, as the IdP vouched for it at sign-in (OIDC only)
AUTH_ACR = "auth_acr"
#: why a token may not be minted from this session now
RECENT = "recent"
STRONG = "strong"


def accepted_acrs() -> frozenset[str]:
    setting = current_app.config.get("STRONG_AUTH_ACR") or ""
    return frozenset(v.strip() for v in setting.split(",") if v.strip())


def opens_case_content(user) -> bool:
    return user.has_role(*CASE_CONTENT_ROLES)


def needs_strong_auth(user) -> bool:
    """Whether `user` must sign in with an accepted `acr` (never an integration: it has
    no sign-in, only tokens)."""
    return bool(accepted_acrs()) and not user.is_integration and opens_case_content(user)


def acr_accepted(acr) -> bool:
    return isinstance(acr, str) and acr in accepted_acrs()


def session_is_strong() -> bool:
    return acr_accepted(session.get(AUTH_ACR))


def password_refused(user) -> bool:
    """A right password is not enough for this user: strong authentication is required."""
    return needs_strong_auth(user)


def session_allowed(user) -> bool:
    """A session of `user` may go on (strong authentication, when required, was used)."""
    return not needs_strong_auth(user) or session_is_strong()


def mint_refusal(owner) -> str | None:
    """None when the signed-in person may mint a token for `owner` (themselves, or an
    integration account they administer) from this session now; else the reason."""
    if not sessions.signed_in_within(current_app.config["TOKEN_MINT_RECENT_MINUTES"]):
        return RECENT
    if accepted_acrs() and opens_case_content(owner) and not session_is_strong():
        return STRONG
    return None
