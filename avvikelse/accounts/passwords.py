"""Argon2id password hashing; the cost profile is a setting (cheap in tests)."""
from functools import lru_cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> PasswordHasher:
    profile = getattr(profiles, current_app.config["ARGON2_PROFILE"])
    return PasswordHasher.from_parameters(profile)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    if not stored:
        return False
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=4)
def _dummy_hash(profile: str) -> str:
    """A hash made once per process (per cost profile), never matching a real password."""
    return PasswordHasher.from_parameters(getattr(profiles, profile)).hash("not-a-real-password")


def dummy_verify(password: str) -> None:
    """One verification, as for a real account, when there is no hash to check against
    (unknown user, no password): logging in costs the same whoever is named."""
    verify_password(_dummy_hash(current_app.config["ARGON2_PROFILE"]), password)
