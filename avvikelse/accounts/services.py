"""Creating users, logging in, passwords, deactivating."""
import secrets
from datetime import datetime

from sqlalchemy import select

from avvikelse.accounts import tokens
from avvikelse.accounts.models import NATIONAL_ROLES, Role, User, UserRole, national_conflict
from avvikelse.accounts.passwords import dummy_verify, hash_password, verify_password
from avvikelse.accounts.sessions import revoke_sessions
from avvikelse.core.email_address import INVALID as INVALID_ADDRESS
from avvikelse.core.email_address import is_plain_address
from avvikelse.core.errors import ValidationFailed
from avvikelse.core.text import TextError, clean_text
from avvikelse.directory.models import Organisation, Unit
from avvikelse.extensions import db

MIN_PASSWORD_LENGTH = 10


def user_by_username(username: str) -> User | None:
    # A name no account can have is not looked up (PostgreSQL raises on NUL).
    if not isinstance(username, str) or "\x00" in username or len(username) > 80:
        return None
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
    national = bool(set(roles) & set(NATIONAL_ROLES))
    if national and (conflict := national_conflict(set(), set(roles))):
        errors["role"] = [conflict]
    if national and units:
        errors["unit"] = ["En nationell roll hör inte till någon enhet."]
    if errors:
        raise ValidationFailed(errors)
    user = User(
        username=username,
        organisation=organisation,
        units=list(units),
        email=email,
        full_name=full_name or username,
        password_hash=hash_password(password) if password else None,
        # Everyone may report, except the national roles, which see no case at all.
        role_rows=[UserRole(role=r) for r in (set(roles) if national else set(roles) | {Role.REPORTER})],
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    """The user if the password is theirs and the account active. Every call checks one
    hash, whatever the account: unknown, inactive, without a password or real, the work
    (and so the time) is the same, so timing does not tell which accounts exist."""
    # A name no account can have is not looked up (PostgreSQL raises on NUL).
    user = user_by_username(username) if "\x00" not in username and len(username) <= 80 else None
    if user is None or not user.password_hash:
        dummy_verify(password)
        return None
    if not verify_password(user.password_hash, password) or not user.active:
        return None
    return user


def log_out_everywhere(user: User, now: datetime) -> None:
    """Every session of the user ends (this one too) and every token of theirs is revoked."""
    revoke_sessions(user, now)
    tokens.revoke_all(user, now)


def check_new_password(password: str, repeat: str | None = None, field: str = "new") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({field: [f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken."]})
    if repeat is not None and repeat != password:
        raise ValidationFailed({"repeat": ["Lösenorden är inte lika."]})


def change_password(user: User, current: str, new: str, repeat: str, now: datetime) -> None:
    """The person's own new password; a temporary one is done with. Other sessions and
    tokens end (this one is started anew by the caller)."""
    if not user.password_hash or not verify_password(user.password_hash, current):
        raise ValidationFailed({"current": ["Fel lösenord."]})
    check_new_password(new, repeat)
    if new == current:
        raise ValidationFailed({"new": ["Välj ett annat lösenord än det du har."]})
    user.password_hash = hash_password(new)
    user.password_must_change = False
    log_out_everywhere(user, now)


def temporary_password() -> str:
    """Twelve characters from an alphabet without look-alikes (0/O, 1/l/I)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


def set_temporary_password(user: User, now: datetime) -> str:
    """A new password an administrator hands over: it must be changed at the next
    sign-in, and every session and token of the account ends now. Returns it (shown once,
    never stored in clear)."""
    password = temporary_password()
    user.password_hash = hash_password(password)
    user.password_must_change = True
    log_out_everywhere(user, now)
    return password


def deactivate_user(user: User, now: datetime) -> None:
    """The account can no longer log in, and every session it has ends now."""
    user.active = False
    revoke_sessions(user, now)
    tokens.revoke_all(user, now)
