"""Server-side sessions that the server can end.

The browser holds only a random session id; the session itself lives in a store
(files under the instance folder, or Redis when `SESSION_REDIS_URL` is set), so logging
out deletes it for good and a copied cookie is worth nothing afterwards. The id changes
at login (no session fixation). Every request checks an idle limit and an absolute
limit, and that the account is still active and its sessions were not revoked since
this login: deactivating an account ends its sessions at the next request.
"""
import os
from datetime import datetime, timedelta
from functools import cache

from cachelib import FileSystemCache
from flask import Flask, current_app, g, has_request_context, session
from flask_login import login_user, logout_user
from flask_session import Session
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from avvikelse.core.clock import now_utc
from avvikelse.extensions import db, login_manager

AUTH_AT = "auth_at"
SEEN_AT = "seen_at"
#: How stale "last seen" may get: the idle limit is this much coarse, and a session is
#: written once a minute rather than on each request (a file or Redis write saved).
SEEN_EVERY = timedelta(minutes=1)


def init_sessions(app: Flask) -> None:
    app.config.setdefault("SESSION_PERMANENT", True)
    # The id is 32 random bytes: unguessable without signing (which 0.8 deprecates).
    app.config["SESSION_USE_SIGNER"] = False
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"])
    # Stored (and its cookie re-sent) only when changed: enforce_limits changes it at
    # most once a SEEN_EVERY, not on every request.
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    if app.config.get("SESSION_REDIS_URL"):
        from redis import Redis

        app.config["SESSION_TYPE"] = "redis"
        # Timeouts: a Redis that hangs must fail a request, not hold a web worker forever.
        app.config["SESSION_REDIS"] = Redis.from_url(
            app.config["SESSION_REDIS_URL"], socket_connect_timeout=2, socket_timeout=5)
    else:
        os.makedirs(app.config["SESSION_FOLDER"], mode=0o700, exist_ok=True)
        app.config["SESSION_TYPE"] = "cachelib"
        # threshold=0: never evict live sessions to make room; expired ones are swept
        # by the retention task.
        app.config["SESSION_CACHELIB"] = FileSystemCache(
            app.config["SESSION_FOLDER"], threshold=0, mode=0o600
        )
    Session(app)

    @login_manager.user_loader
    def load_user(user_id: str):  # replaces setup's loader: adds active + revocation
        return _current_user(user_id)

    app.before_request(enforce_limits)


@cache
def _load_statement():
    """The signed-in user with roles and organisation (one statement, built once with
    parameters), and whether anyone's absence today could make them a deputy: when not,
    the nav's escalation link (absence.standing_in_for) needs no query (standing.py)."""
    from avvikelse.accounts.models import User
    from avvikelse.accounts.standing import may_stand_in

    return (select(User, may_stand_in(User.id, bindparam("on")))
            .options(joinedload(User.role_rows)).where(User.id == bindparam("user_id")))


def _current_user(user_id: str):
    from avvikelse.accounts import standing

    if not user_id.isdigit():
        return None
    on = standing.today()
    # Loaded on every request, not kept: the active and revocation checks below must
    # see a deactivation or a "log out everywhere" at once.
    row = db.session.execute(_load_statement(), {"user_id": int(user_id), "on": on}).unique().first()
    if row is None:
        return None
    user, may_stand_in = row
    if not user.active:
        return None
    auth_at = _stamp(session.get(AUTH_AT))
    if auth_at is None or (user.sessions_revoked_at and auth_at <= user.sessions_revoked_at):
        return None
    if not may_stand_in and has_request_context():
        standing.nobody_names(user.id, on)
    return user


def _stamp(value) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def enforce_limits() -> None:
    """End a signed-in session that is idle too long, too old, or no longer valid."""
    # Each request decides who is signed in from its own session alone. (Tests share one
    # app context across requests, and Flask-Login caches the user in `g`.)
    g.pop("_login_user", None)
    if "_user_id" not in session:
        return
    now = now_utc()
    auth_at, seen_at = _stamp(session.get(AUTH_AT)), _stamp(session.get(SEEN_AT))
    config = current_app.config
    user = None
    if (
        auth_at is None
        or seen_at is None
        or now - seen_at > timedelta(minutes=config["SESSION_IDLE_MINUTES"])
        or now - auth_at > timedelta(hours=config["SESSION_ABSOLUTE_HOURS"])
        or (user := _current_user(session["_user_id"])) is None
    ):
        end_session()
        return
    g._login_user = user  # Flask-Login's current_user: checked once, not loaded again
    if now - seen_at >= SEEN_EVERY:
        session[SEEN_AT] = now.isoformat()


def start_session(user, **extra) -> None:
    """Log in on a fresh session id; whatever the anonymous session held is dropped."""
    session.clear()
    now = now_utc().isoformat()
    session[AUTH_AT] = now
    session[SEEN_AT] = now
    session.update(extra)
    current_app.session_interface.regenerate(session)
    login_user(user)


def end_session() -> None:
    """Log out and delete the stored session; a new id is used for what follows."""
    logout_user()
    session.clear()
    session[SEEN_AT] = now_utc().isoformat()  # non-empty, so the store is asked to rotate
    current_app.session_interface.regenerate(session)
    session.pop(SEEN_AT)


def authenticated_at() -> datetime | None:
    """When this session's person last proved who they are (signing in, or again)."""
    return _stamp(session.get(AUTH_AT))


def signed_in_within(minutes: int, now: datetime | None = None) -> bool:
    at = authenticated_at()
    return at is not None and (now or now_utc()) - at <= timedelta(minutes=minutes)


def revoke_sessions(user, now: datetime) -> None:
    """Every session of `user` that began before `now` ends at its next request."""
    user.sessions_revoked_at = now
