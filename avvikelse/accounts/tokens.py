"""API tokens: issued at an API log-in or created and named by their owner, shown once,
stored as a SHA-256 digest, used with a visible last use, and revoked. The one place a
token is minted or looked up.

A token secret is 256 random bits, so a fast digest is enough (nothing to brute-force, unlike
a password); the digest is what the database and the rate limiter see.

Every token expires: at most API_TOKEN_MAX_DAYS after it was made (a person's) or
INTEGRATION_TOKEN_MAX_DAYS (an integration account's); one asked for without an end date
gets that, a longer one is refused, and the cap holds when a token is used, so a token from
before the cap (or from before the setting was lowered) ends too.
"""
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from avvikelse.accounts.models import ApiToken, User
from avvikelse.core.errors import NotFound, ValidationFailed
from avvikelse.core.text import TextError, clean_text
from avvikelse.extensions import db

NAME_MAX = 100
#: last use is written at most this often per token: not a database write per request
LAST_USE_RESOLUTION = timedelta(minutes=1)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _mint(user: User, name: str, now: datetime, expires_at: datetime | None) -> tuple[ApiToken, str]:
    secret = secrets.token_urlsafe(32)
    token = ApiToken(user=user, token_hash=digest(secret), name=name, created_at=now,
                     expires_at=expires_at)
    db.session.add(token)
    db.session.flush()
    return token, secret


def issue_token(user: User, now: datetime, hours: int, name: str = "") -> str:
    """A token for a user who just logged in to the API (`POST /auth/token`): its secret."""
    return _mint(user, name, now, now + timedelta(hours=hours))[1]


def max_days(user: User) -> int:
    """The longest a token of `user` may live."""
    setting = "INTEGRATION_TOKEN_MAX_DAYS" if user.is_integration else "API_TOKEN_MAX_DAYS"
    return current_app.config[setting]


def create(user: User, name: str, now: datetime, days: int | None) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is not kept and cannot be shown again.
    Without `days` it lives as long as allowed."""
    errors: dict[str, list[str]] = {}
    name, problem = _clean_name(name)
    if problem:
        errors["name"] = [problem]
    longest = max_days(user)
    if days is not None and not 1 <= days <= longest:
        errors["expires_in_days"] = [f"Ange 1–{longest} dagar."]
    if errors:
        raise ValidationFailed(errors)
    return _mint(user, name, now, now + timedelta(days=days or longest))


def _clean_name(raw: str | None) -> tuple[str, str | None]:
    """The name, cleaned; or the reason it cannot be one. Control characters (NUL, bidi
    tricks) never reach the database or the pages."""
    try:
        name = clean_text((raw or "").strip(), multiline=False)
    except TextError as exc:
        return "", exc.message
    if not name:
        return "", "Ge token ett namn, t.ex. systemets namn."
    if len(name) > NAME_MAX:
        return "", f"Högst {NAME_MAX} tecken."
    return name, None


def for_user(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    ))


def get_for(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("Token finns inte.")
    return token


def revoke(token: ApiToken, now: datetime) -> None:
    if token.revoked_at is None:
        token.revoked_at = now


def revoke_all(user: User, now: datetime) -> None:
    for token in db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now


def expires_at(token: ApiToken) -> datetime:
    """When the token ends: its own end date, and never later than the cap."""
    cap = token.created_at + timedelta(days=max_days(token.user))
    return min(token.expires_at, cap) if token.expires_at is not None else cap


def is_usable(token: ApiToken, now: datetime) -> bool:
    return token.revoked_at is None and expires_at(token) > now


def resolve(secret: str, now: datetime) -> ApiToken | None:
    """The live token a secret names, its last use noted; None for anything else."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(secret)))
    if token is None or not is_usable(token, now) or not token.user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        token.last_used_at = now
    return token
