"""Creating users, logging in, issuing API tokens."""
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from avvikelse.accounts.models import ApiToken, Role, User, UserRole
from avvikelse.accounts.passwords import dummy_verify, hash_password, verify_password
from avvikelse.core.email_address import INVALID as INVALID_ADDRESS
from avvikelse.core.email_address import is_plain_address
from avvikelse.core.errors import ValidationFailed
from avvikelse.core.text import TextError, clean_text
from avvikelse.directory.models import Organisation, Unit
from avvikelse.extensions import db

MIN_PASSWORD_LENGTH = 10


def user_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def create_user(
    username: str,
    organisation: Organisation,
    roles: set[Role],
    password: str | None,
    *,
    units: list[Unit] = (),
    email: str | None = None,
    full_name: str = "",
    is_deputy: bool = False,
) -> User:
    errors: dict[str, list[str]] = {}
    if user_by_username(username):
        errors["username"] = [f"Användarnamnet {username} finns redan."]
    if any(u.organisation_id != organisation.id for u in units):
        errors["unit"] = ["En enhet hör inte till användarens organisation."]
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = [f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken."]
    # Both reach mails: the address a header and the envelope, the name the greeting.
    email = email or None
    if email is not None and not is_plain_address(email):
        errors["email"] = [INVALID_ADDRESS]
    try:
        full_name = clean_text(full_name or "", multiline=False)[:200]
    except TextError as exc:
        errors["full_name"] = [exc.message]
    if errors:
        raise ValidationFailed(errors)
    user = User(
        username=username,
        organisation=organisation,
        units=list(units),
        email=email,
        full_name=full_name or username,
        is_deputy=is_deputy,
        password_hash=hash_password(password) if password else None,
        role_rows=[UserRole(role=r) for r in roles | {Role.REPORTER}],
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    # A name no account can have is not looked up (PostgreSQL raises on NUL): same
    # answer and about the same time as an unknown user.
    user = user_by_username(username) if "\x00" not in username and len(username) <= 80 else None
    if user is None:
        dummy_verify(password)
        return None
    if not user.active or not verify_password(user.password_hash, password):
        return None
    return user


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_token(user: User, now: datetime, hours: int, name: str = "") -> str:
    """Returns the secret once; only its digest is kept."""
    secret = secrets.token_urlsafe(32)
    db.session.add(
        ApiToken(
            user=user, token_hash=_digest(secret), name=name,
            created_at=now, expires_at=now + timedelta(hours=hours),
        )
    )
    db.session.flush()
    return secret


def user_for_token(secret: str, now: datetime) -> User | None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    if token is None or token.revoked_at or (token.expires_at and token.expires_at <= now):
        return None
    if not token.user.active:
        return None
    token.last_used_at = now
    return token.user


def deactivate_user(user: User, now: datetime) -> None:
    """The account can no longer log in, and every session it has ends now."""
    from avvikelse.accounts.sessions import revoke_sessions

    user.active = False
    revoke_sessions(user, now)
    for token in db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now
